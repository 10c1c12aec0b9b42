import { Injectable } from '@nestjs/common';
import { ImportsService } from '../imports/imports.service';
import { LedgerService } from '../ledger/ledger.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { OverviewDto } from './overview.dto';
import { OverviewRepository } from './overview.repository';

const DAY_MS = 86_400_000;

/** What the staff console's overview shows: consent activity by day, and how the machinery is doing. */
@Injectable()
export class OverviewService {
  constructor(
    private readonly overview: OverviewRepository,
    private readonly ledger: LedgerService,
    private readonly webhooks: WebhooksService,
    private readonly imports: ImportsService,
  ) {}

  async overviewOf(days: number, now = new Date()): Promise<OverviewDto> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const from = new Date(today - (days - 1) * DAY_MS);
    const [daily, head, webhooks, imports] = await Promise.all([
      this.overview.dailyConsent(from.toISOString()),
      this.ledger.head(),
      this.webhooks.deliveryHealth(new Date(now.getTime() - DAY_MS)),
      this.imports.unfinished(),
    ]);
    return {
      from: from.toISOString().slice(0, 10),
      days,
      daily,
      ledger: { blocks: head.blocks, pending: head.pending, sealLagMs: head.sealLagMs },
      webhooks: { failedLast24h: webhooks.failed, pending: webhooks.pending },
      imports,
    };
  }
}
