import { Inject, Injectable, Logger } from '@nestjs/common';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LifecycleRepository } from './lifecycle.repository';

export interface SweepResult {
  requested: number;
  lapsed: number;
  expired: number;
  confirmationsExpired: number;
  clarificationsExpired: number;
  batches: number;
  ms: number;
}

const NO_GRACE = 'PT0S';
/** Double opt-ins not confirmed within this expire (PENDING_CONFIRMATION_TTL in the decision policy). */
const PENDING_AFTER = 'P30D';

/**
 * The lifecycle sweep (docs/domain.md §6): records what time has made true — re-confirmation
 * requests, lapses, expiries, clarification holds that ended unanswered — and, through the consent_event trigger, publishes them.
 * Decisions never wait for it: they compute the same facts from the events and the clock.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger('LifecycleSweep');

  constructor(
    private readonly lifecycle: LifecycleRepository,
    private readonly campaigns: CampaignsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(now = new Date()): Promise<SweepResult> {
    const started = Date.now();
    const result: SweepResult = { requested: 0, lapsed: 0, expired: 0, confirmationsExpired: 0, clarificationsExpired: 0, batches: 0, ms: 0 };
    const batch = this.config.lifecycleBatchSize;
    // Batch by batch until a batch comes back short: bounded work per statement, nothing held long.
    const drain = async (step: () => Promise<number>): Promise<number> => {
      let total = 0;
      for (;;) {
        const n = await step();
        result.batches++;
        total += n;
        if (n < batch) return total;
      }
    };
    for (const c of await this.campaigns.withLifecyclePolicy()) {
      const grace = c.reconfirm_grace ?? NO_GRACE;
      if (c.reconfirm_every) {
        const every = c.reconfirm_every;
        result.lapsed += await drain(() => this.lifecycle.lapse(c.id, every, grace, c.consent_ttl, now, batch));
        result.requested += await drain(() => this.lifecycle.requestReconfirmations(c.id, every, grace, now, batch));
      }
      if (c.consent_ttl) {
        const ttl = c.consent_ttl;
        result.expired += await drain(() => this.lifecycle.expire(c.id, ttl, c.reconfirm_every, grace, now, batch));
      }
    }
    for (const campaignId of await this.lifecycle.campaignsWithPending()) {
      result.confirmationsExpired += await drain(() => this.lifecycle.expirePending(campaignId, PENDING_AFTER, now, batch));
    }
    result.clarificationsExpired += await drain(() => this.lifecycle.expireClarifications(now, batch));
    result.ms = Date.now() - started;
    if (result.requested + result.lapsed + result.expired + result.confirmationsExpired + result.clarificationsExpired > 0) {
      this.logger.log(
        `requested ${result.requested}, lapsed ${result.lapsed}, expired ${result.expired}, confirmations expired ${result.confirmationsExpired}, clarifications expired ${result.clarificationsExpired} in ${result.ms} ms`,
      );
    }
    return result;
  }
}
