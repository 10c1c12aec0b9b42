import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyRepository } from './idempotency.repository';

/** Forgets stored responses once their keys are too old to be retried (a job: src/jobs/jobs.service.ts schedules it). */
@Injectable()
export class IdempotencyRetention {
  private readonly logger = new Logger('IdempotencyRetention');

  constructor(
    private readonly records: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Forgets keys older than IDEMPOTENCY_RETENTION_HOURS (at least 24). Safe on every replica at once. */
  async purgeExpired(): Promise<number> {
    const removed = await this.records.deleteOlderThan(this.config.idempotencyRetentionHours);
    if (removed) this.logger.log(`forgot ${removed} idempotency keys`);
    return removed;
  }
}
