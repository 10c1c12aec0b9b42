import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

/** Request counts per key and fixed window, added up across replicas (an UNLOGGED table). */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly db: Db) {}

  /** Adds each key's new hits to its window's shared count and answers the totals. */
  @GenerateSql({ params: [['key:6b1f3c2e'], [1772366400000], [17]] })
  addHits(keys: string[], windows: number[], hits: number[]): Promise<{ key: string; window_start: string; hits: number }[]> {
    return this.db.query<{ key: string; window_start: string; hits: number }>(
      `insert into rate_limit_window as w (key, window_start, hits) select * from unnest($1::text[], $2::bigint[], $3::int[])
       on conflict (key, window_start) do update set hits = w.hits + excluded.hits
       returning key, window_start, hits`,
      [keys, windows, hits],
    );
  }

  /** Windows that started before `before` (epoch ms) are no longer counted. */
  @GenerateSql({ params: [1772366280000] })
  async forgetWindowsBefore(before: number): Promise<void> {
    await this.db.query(`delete from rate_limit_window where window_start < $1`, [before]);
  }
}
