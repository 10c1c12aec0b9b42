import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface DailyCount {
  day: string;
  action: string;
  source: string;
  channel: string;
  count: number;
}

/** Consent activity counted by PostgreSQL: one row per day, action, source and channel. */
@Injectable()
export class OverviewRepository {
  constructor(private readonly db: Db) {}

  /** Opt-ins and opt-outs recorded since `from`, per UTC day, source and channel. */
  @GenerateSql({ params: ['2026-11-01T00:00:00Z'] })
  dailyConsent(from: string): Promise<DailyCount[]> {
    return this.db.query<DailyCount>(
      `select to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD') as day, action, source, channel, count(*)::int as count
         from consent_event
        where recorded_at >= $1 and action in ('opt_in', 'opt_out')
        group by 1, 2, 3, 4
        order by 1, 2, 3, 4`,
      [from],
    );
  }
}
