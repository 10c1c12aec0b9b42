import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface ImportRow {
  id: string;
  principal: string;
  idempotency_key: string | null;
  format: string;
  options: ImportOptions;
  status: string;
  lines_done: string;
  rows_written: string;
  rows_rejected: string;
  prefix_hash: string;
  error: { line: number; message: string } | null;
  started_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

/** What an import was asked to do; a resumed import must ask the same. */
export interface ImportOptions {
  channel: string;
  action: string | null;
  campaignId: string | null;
  /** When rows without a date happened: as given, else when the import started. */
  occurredAt: string;
  /** Records per committed chunk (fixed per import: resuming replays the same chunks). */
  chunkRecords: number;
}

export interface ImportRejection {
  line: number;
  field: string;
  reason: string;
}

const COLUMNS =
  'id, principal, idempotency_key, format, options, status, lines_done, rows_written, rows_rejected, prefix_hash, error, started_at, updated_at, completed_at';

@Injectable()
export class ImportsRepository {
  constructor(private readonly db: Db) {}

  /** Imports not finished: running, or interrupted and waiting to be resumed. */
  @GenerateSql({ params: [] })
  async countUnfinished(): Promise<{ running: number; interrupted: number }> {
    const [row] = await this.db.query<{ running: number; interrupted: number }>(
      `select count(*) filter (where status = 'running')::int as running, count(*) filter (where status = 'interrupted')::int as interrupted
         from consent_import`,
    );
    return row;
  }

  /** A new import; with a key, the existing one instead when the caller already used that key. */
  @GenerateSql({
    params: [
      {
        id: '9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d',
        principal: 'admin',
        key: 'optouts-2026-03',
        format: 'csv',
        options: { channel: 'sms', action: null, campaignId: null, occurredAt: '2026-03-01T12:00:00.000Z', chunkRecords: 5000 },
        prefixHash: '0'.repeat(64),
      },
    ],
    results: [[]],
  })
  async create(i: {
    id: string;
    principal: string;
    key: string | null;
    format: string;
    options: ImportOptions;
    prefixHash: string;
  }): Promise<{ row: ImportRow; created: boolean }> {
    const [created] = await this.db.query<ImportRow>(
      `insert into consent_import (id, principal, idempotency_key, format, options, status, prefix_hash)
       values ($1, $2, $3, $4, $5, 'running', $6)
       on conflict (principal, idempotency_key) where idempotency_key is not null do nothing
       returning ${COLUMNS}`,
      [i.id, i.principal, i.key, i.format, i.options, i.prefixHash],
    );
    if (created) return { row: created, created: true };
    const [existing] = await this.db.query<ImportRow>(`select ${COLUMNS} from consent_import where principal = $1 and idempotency_key = $2`, [
      i.principal,
      i.key,
    ]);
    return { row: existing, created: false };
  }

  /**
   * Takes over an unfinished import to resume it: one not running, or whose runner has not
   * committed for `staleSeconds` (it died). Null when another runner holds it.
   */
  @GenerateSql({ params: ['9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d', 60] })
  async claim(id: string, staleSeconds: number): Promise<ImportRow | null> {
    const [row] = await this.db.query<ImportRow>(
      `update consent_import set status = 'running', error = null, updated_at = now()
        where id = $1 and status <> 'completed' and (status <> 'running' or updated_at < now() - make_interval(secs => $2))
        returning ${COLUMNS}`,
      [id, staleSeconds],
    );
    return row ?? null;
  }

  /**
   * Progress of a committed chunk, in the chunk's transaction; false when the import moved on
   * without this runner (another took it over), which must then roll back.
   */
  @GenerateSql({
    params: [
      '9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d',
      5000,
      {
        linesDone: 10000,
        written: 4998,
        rejected: 2,
        prefixHash: 'ab'.repeat(32),
        rejections: [{ line: 5012, field: 'address', reason: 'must be a valid phone number in E.164 form (such as +14155550100) for channel sms' }],
        keep: 1000,
      },
    ],
  })
  async advance(
    id: string,
    from: number,
    p: { linesDone: number; written: number; rejected: number; prefixHash: string; rejections: ImportRejection[]; keep: number },
  ): Promise<boolean> {
    const rows = await this.db.query(
      `with moved as (
         update consent_import set lines_done = $3, rows_written = rows_written + $4, rows_rejected = rows_rejected + $5,
                prefix_hash = $6, updated_at = now()
          where id = $1 and lines_done = $2 and status = 'running'
          returning rows_rejected - $5 as before
       ), kept as (
         insert into consent_import_rejection (import_id, line, field, reason)
         select $1, r.line, r.field, r.reason
           from moved, unnest($7::bigint[], $8::text[], $9::text[]) with ordinality as r(line, field, reason, n)
          where moved.before + r.n <= $10
         on conflict do nothing
       )
       select 1 from moved`,
      [
        id,
        from,
        p.linesDone,
        p.written,
        p.rejected,
        p.prefixHash,
        p.rejections.map((r) => r.line),
        p.rejections.map((r) => r.field.slice(0, 128)),
        p.rejections.map((r) => r.reason.slice(0, 500)),
        p.keep,
      ],
    );
    return rows.length === 1;
  }

  @GenerateSql({ params: ['9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d', 'failed', { line: 5013, message: 'line 5013, column 1: unexpected quote' }] })
  async finish(id: string, status: 'completed' | 'failed' | 'interrupted', error: { line: number; message: string } | null): Promise<ImportRow> {
    const [row] = await this.db.query<ImportRow>(
      `update consent_import set status = $2::text, error = $3, updated_at = now(), completed_at = case when $2::text = 'completed' then now() end
        where id = $1 returning ${COLUMNS}`,
      [id, status, error],
    );
    return row;
  }

  /** An import that committed nothing (its rejections go with it). */
  @GenerateSql({ params: ['9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d'] })
  async remove(id: string): Promise<void> {
    await this.db.query(`delete from consent_import where id = $1 and lines_done = 0`, [id]);
  }

  @GenerateSql({ params: [null, '9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d'] })
  async find(principal: string | null, id: string): Promise<ImportRow | undefined> {
    const [row] = await this.db.query<ImportRow>(`select ${COLUMNS} from consent_import where id = $1 and ($2::text is null or principal = $2)`, [
      id,
      principal,
    ]);
    return row;
  }

  /** Newest first; `principal` null: everyone's (admin). */
  @GenerateSql({ params: ['6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f', null, 20] })
  list(principal: string | null, key: string | null, limit: number): Promise<ImportRow[]> {
    return this.db.query<ImportRow>(
      `select ${COLUMNS} from consent_import where ($1::text is null or principal = $1) and ($2::text is null or idempotency_key = $2)
        order by started_at desc, id limit $3`,
      [principal, key, limit],
    );
  }

  /** The first `limit` rejected lines of each import named, by import id (one query however many). */
  @GenerateSql({ params: [['9b2e7f1c-4d3a-4e5b-8c6d-7e8f9a0b1c2d'], 1000] })
  async rejections(ids: string[], limit: number): Promise<Map<string, ImportRejection[]>> {
    const rows = await this.db.query<ImportRejection & { import_id: string }>(
      `select r.import_id, r.line::int as line, r.field, r.reason
         from unnest($1::uuid[]) as i(id)
         cross join lateral (select * from consent_import_rejection r where r.import_id = i.id order by r.line limit $2) r
        order by r.import_id, r.line`,
      [ids, limit],
    );
    const byImport = new Map<string, ImportRejection[]>(ids.map((id) => [id, []]));
    for (const { import_id, ...rejection } of rows) byImport.get(import_id)!.push(rejection);
    return byImport;
  }
}
