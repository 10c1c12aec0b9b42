import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

/** What the lag gauges read when /metrics is scraped. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: Db) {}

  /** Age in seconds of the oldest event not sealed into the ledger yet (0: none). */
  @GenerateSql({ params: [] })
  async sealLagSeconds(): Promise<number> {
    const [row] = await this.db.query<{ s: number | null }>(`select extract(epoch from clock_timestamp() - min(queued_at))::float8 as s from seal_queue`);
    return row?.s ?? 0;
  }

  /** Age in seconds of the oldest webhook delivery still pending (0: none). */
  @GenerateSql({ params: [] })
  async outboxLagSeconds(): Promise<number> {
    const [row] = await this.db.query<{ s: number | null }>(
      `select extract(epoch from clock_timestamp() - min(o.created_at))::float8 as s
         from webhook_delivery d join outbox_event o on o.id = d.outbox_id where d.status = 'pending'`,
    );
    return row?.s ?? 0;
  }
}
