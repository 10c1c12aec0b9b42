import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface IdempotencyRow {
  request_hash: string;
  status_code: number;
  response: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  /** Serialises requests carrying the same key until the surrounding transaction ends. */
  @GenerateSql({ params: ['6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f', 'signup-7781'] })
  async lockKey(principal: string, key: string): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock(hashtextextended($1, 7))`, [`${principal} ${key}`]);
  }

  @GenerateSql({ params: ['6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f', 'signup-7781'] })
  async find(principal: string, key: string): Promise<IdempotencyRow | undefined> {
    const rows = await this.db.query<IdempotencyRow>(`select request_hash, status_code, response from idempotency_record where principal = $1 and key = $2`, [
      principal,
      key,
    ]);
    return rows[0];
  }

  @GenerateSql({
    params: [
      { principal: '6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f', key: 'signup-7781', requestHash: 'e3b0c442', statusCode: 201, response: { event: { id: '101' } } },
    ],
  })
  async insert(r: { principal: string; key: string; requestHash: string; statusCode: number; response: unknown }): Promise<void> {
    await this.db.query(`insert into idempotency_record (principal, key, request_hash, status_code, response) values ($1, $2, $3, $4, $5)`, [
      r.principal,
      r.key,
      r.requestHash,
      r.statusCode,
      JSON.stringify(r.response ?? null),
    ]);
  }

  @GenerateSql({ params: [48] })
  async deleteOlderThan(hours: number): Promise<number> {
    const rows = await this.db.query(
      `with gone as (delete from idempotency_record where created_at < now() - make_interval(hours => $1) returning 1)
       select count(*)::int as n from gone`,
      [hours],
    );
    return (rows[0] as { n: number }).n;
  }
}
