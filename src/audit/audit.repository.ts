import { Injectable } from '@nestjs/common';
import { Db, ReadSnapshot } from '../database/db';
import { BlockHeader } from '../ledger/ledger-format';
import { HEADER_COLUMNS, JOIN_EVENTS, LEDGER_ENTRIES, StoredRecord, US } from '../ledger/ledger.repository';
import { EXPORT_COLUMNS, ExportProof } from './export-format';
import { GenerateSql, SNAPSHOT } from '../database/generate-sql';

/** What staff filter ledger entries by; the address already normalised. */
export interface EntryFilter {
  from?: string;
  to?: string;
  customerId?: string;
  address?: string;
  channel?: string;
  campaignId?: string;
  types?: string[];
}

/** SQL conditions on LEDGER_ENTRIES for the filter; its values are appended to `params`. */
function conditions(f: EntryFilter, params: unknown[]): string[] {
  const p = (value: unknown) => `$${params.push(value)}`;
  const out: string[] = [];
  if (f.from) out.push(`coalesce(e.recorded_at, s.recorded_at) >= ${p(f.from)}::timestamptz`);
  if (f.to) out.push(`coalesce(e.recorded_at, s.recorded_at) < ${p(f.to)}::timestamptz`);
  if (f.customerId) {
    const c = p(f.customerId);
    out.push(`(e.customer_id = ${c} or exists (select 1 from contact_point cp
      where cp.customer_id = ${c} and cp.channel_group = e.channel_group and cp.address = e.address))`);
  }
  if (f.address) out.push(`e.address = ${p(f.address)}`);
  if (f.channel) out.push(`e.channel = ${p(f.channel)}`);
  if (f.campaignId) out.push(`e.campaign_id = ${p(f.campaignId)}`);
  if (f.types?.length) out.push(`coalesce(e.action, s.type) = any(${p(f.types)}::text[])`);
  return out;
}

/**
 * The export's rows, formatted by PostgreSQL (a million rows would otherwise spend most of
 * their time being parsed into objects and serialised again in Node): each line without its
 * last field (`proof`), which the export appends. Fields as in export-format.ts; the verifier
 * reads them back with any JSON or CSV parser.
 */
/**
 * Per field: its SQL, and whether its text is safe to write as is (digits, hex, the fixed
 * timestamp format, 'consent'/'system': no quote, comma, backslash or line break can occur).
 * Everything else is escaped (to_json for NDJSON; always quoted for CSV, quotes doubled).
 * Concatenation costs about half of json_build_object, which dominated a large export.
 */
const SQL_OF: Record<Exclude<(typeof EXPORT_COLUMNS)[number], 'proof'>, { sql: string; safe?: true; json?: true }> = {
  seq: { sql: 'l.seq::text', safe: true },
  block: { sql: 'l.block_no::text', safe: true },
  stream: { sql: 'l.stream', safe: true },
  eventId: { sql: 'l.event_id::text', safe: true },
  customerId: { sql: 'e.customer_id' },
  address: { sql: 'e.address' },
  channel: { sql: 'e.channel' },
  channelGroup: { sql: 'e.channel_group' },
  campaignId: { sql: 'e.campaign_id' },
  action: { sql: 'coalesce(e.action, s.type)' },
  source: { sql: 'e.source' },
  evidence: { sql: 'coalesce(e.evidence, s.details)::text', json: true },
  language: { sql: 'e.language' },
  jurisdiction: { sql: 'e.jurisdiction' },
  occurredAt: { sql: US('e.occurred_at'), safe: true },
  recordedAt: { sql: US('coalesce(e.recorded_at, s.recorded_at)'), safe: true },
  expiresAt: { sql: US('e.expires_at'), safe: true },
  recordedBy: { sql: 'coalesce(e.recorded_by, s.actor)' },
  subject: { sql: 's.subject' },
  salt: { sql: 'l.salt::text', safe: true },
  commitment: { sql: 'l.commitment::text', safe: true },
  leafHash: { sql: 'l.leaf_hash::text', safe: true },
};
/** In the file's column order, proof (last) excepted. */
const LINE_FIELDS = EXPORT_COLUMNS.filter((c) => c !== 'proof').map((c) => [c, SQL_OF[c]] as const);
const JSON_VALUE = (f: { sql: string; safe?: true; json?: true }) =>
  f.json ? f.sql : f.safe ? `coalesce('"' || ${f.sql} || '"', 'null')` : `coalesce(to_json(${f.sql})::text, 'null')`;
const CSV_VALUE = (f: { sql: string; safe?: true; json?: true }) =>
  f.safe ? `coalesce(${f.sql}, '')` : `coalesce('"' || replace(${f.sql}, '"', '""') || '"', '')`;
const LINE = {
  ndjson: `'{' || ${LINE_FIELDS.map(([k, f], i) => `'${i ? ',' : ''}"${k}":' || ${JSON_VALUE(f)}`).join(' || ')} || '}'`,
  csv: LINE_FIELDS.map(([, f]) => CSV_VALUE(f)).join(` || ',' || `),
};
export interface LedgerLine {
  seq: string;
  block: string;
  present: boolean;
  line: string;
}
const LEDGER_LINES = (format: 'ndjson' | 'csv', where: string) => `
  select l.seq::text, l.block_no::text as block, coalesce(e.id, s.id) is not null as present, ${LINE[format]} as line
    from ledger_leaf l ${JOIN_EVENTS('l')}
   where ${where}
   order by l.seq`;

/** Rows of an export: whole blocks, or the entries matching a filter up to a ledger position. */
export type ExportSelection = { blocks: { from: string; to: string } | null } | { filter: EntryFilter; upToSeq: string };

/**
 * What compliance staff read, as SQL: pages of ledger entries by filter, and exports (their
 * records, and their rows formatted by PostgreSQL, read from one snapshot).
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Sealed entries matching the filter after ledger position `after`, oldest first. */
  @GenerateSql(
    {
      name: 'every filter',
      params: [
        {
          from: '2026-01-01T00:00:00Z',
          to: '2026-02-01T00:00:00Z',
          customerId: 'cus_42',
          address: '+14155550100',
          channel: 'sms',
          campaignId: 'spring-promo',
          types: ['opt_in', 'opt_out'],
        },
        '0',
        101,
      ],
    },
    { name: 'no filter', params: [{}, '1200', 101] },
    { name: 'newest first', params: [{ customerId: 'cus_42' }, '1200', 101, 'desc'] },
  )
  /** `order` asc: entries after position `cursor`; desc: before it (a cursor of '0' starts at the newest). */
  entriesPage(f: EntryFilter, cursor: string, limit: number, order: 'asc' | 'desc' = 'asc'): Promise<StoredRecord[]> {
    const params: unknown[] = [cursor];
    const where = [order === 'asc' ? 'l.seq > $1' : '($1::bigint = 0 or l.seq < $1)', ...conditions(f, params)];
    params.push(limit);
    return this.db.query<StoredRecord>(`${LEDGER_ENTRIES(where.join(' and '), order)} limit $${params.length}`, params);
  }

  /** The sealed entry at ledger position `seq`, read in the snapshot its proof is computed in. */
  @GenerateSql({ params: [SNAPSHOT, '1201'] })
  async entryAt(snapshot: ReadSnapshot, seq: string): Promise<StoredRecord | undefined> {
    return (await snapshot.query<StoredRecord>(LEDGER_ENTRIES('l.seq = $1'), [seq]))[0];
  }

  @GenerateSql({ params: ['2f6c1e9a-3b7d-4c1e-8a2b-9d0e1f2a3b4c', 'admin', 'ndjson', { from: '2026-01-01T00:00:00Z', mode: 'blocks' }] })
  async recordExport(id: string, principal: string, format: string, filter: Record<string, unknown>): Promise<void> {
    await this.db.query(`insert into audit_export (id, principal, format, filter) values ($1, $2, $3, $4)`, [id, principal, format, filter]);
  }

  @GenerateSql({ params: ['2f6c1e9a-3b7d-4c1e-8a2b-9d0e1f2a3b4c', 5000, { version: 'consent-ledger-export/1' }] })
  async completeExport(id: string, rows: number, proof: ExportProof): Promise<void> {
    await this.db.query(`update audit_export set completed_at = now(), rows = $2, proof = $3 where id = $1`, [id, rows, proof]);
  }

  @GenerateSql({ params: ['2f6c1e9a-3b7d-4c1e-8a2b-9d0e1f2a3b4c'] })
  async findExport(id: string): Promise<{ proof: ExportProof | null; completed_at: Date | null } | undefined> {
    const [row] = await this.db.query<{ proof: ExportProof | null; completed_at: Date | null }>(`select proof, completed_at from audit_export where id = $1`, [
      id,
    ]);
    return row;
  }

  @GenerateSql({ params: [SNAPSHOT] })
  async lastBlock(snapshot: ReadSnapshot): Promise<BlockHeader | undefined> {
    return (await snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block order by block_no desc limit 1`))[0];
  }

  @GenerateSql({ params: [SNAPSHOT, '12'] })
  async block(snapshot: ReadSnapshot, blockNo: string): Promise<BlockHeader> {
    return (await snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block where block_no = $1`, [blockNo]))[0];
  }

  @GenerateSql({ params: [SNAPSHOT, '3', '12'] })
  blocksBetween(snapshot: ReadSnapshot, from: string, to: string): Promise<BlockHeader[]> {
    return snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block where block_no between $1 and $2 order by block_no`, [from, to]);
  }

  /** The first and last of the first `headBlocks` blocks holding entries recorded in [from, to) (a block may straddle the bounds). */
  @GenerateSql({ params: [SNAPSHOT, 12, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'] })
  async blockSpan(snapshot: ReadSnapshot, headBlocks: number, from: string | null, to: string | null): Promise<{ from: string; to: string } | null> {
    const [span] = await snapshot.query<{ lo: string | null; hi: string | null }>(
      `select min(block_no)::text as lo, max(block_no)::text as hi from ledger_block
        where block_no <= $1 and ($2::timestamptz is null or last_recorded_at >= $2) and ($3::timestamptz is null or first_recorded_at < $3)`,
      [headBlocks, from, to],
    );
    return span.lo && span.hi ? { from: span.lo, to: span.hi } : null;
  }

  /** The ledger position of the last entry of block `blockNo` ('0' when there is none). */
  @GenerateSql({ params: [SNAPSHOT, 12] })
  async lastSeqOf(snapshot: ReadSnapshot, blockNo: number): Promise<string> {
    const [last] = await snapshot.query<{ size: string | null }>(`select (first_seq + size - 1)::text as size from ledger_block where block_no = $1`, [
      blockNo,
    ]);
    return last?.size ?? '0';
  }

  /**
   * An export's rows in ledger order, as formatted lines, fetched `batch` at a time. `prefetch`:
   * the next batch is asked for while the caller writes this one (then the caller must not
   * query the snapshot until the cursor is done).
   */
  @GenerateSql(
    { name: 'whole blocks, NDJSON', params: [SNAPSHOT, 'ndjson', { blocks: { from: '3', to: '12' } }, 500, true] },
    { name: 'filtered, CSV', params: [SNAPSHOT, 'csv', { filter: { customerId: 'cus_42', channel: 'sms' }, upToSeq: '60000' }, 500, false] },
  )
  exportLines(snapshot: ReadSnapshot, format: 'ndjson' | 'csv', selection: ExportSelection, batch: number, prefetch: boolean): AsyncGenerator<LedgerLine[]> {
    const params: unknown[] = [];
    let where: string;
    if ('blocks' in selection) {
      where = selection.blocks ? `l.block_no between $${params.push(selection.blocks.from)} and $${params.push(selection.blocks.to)}` : 'false';
    } else {
      where = [`l.seq <= $${params.push(selection.upToSeq)}`, ...conditions(selection.filter, params)].join(' and ');
    }
    return snapshot.cursor<LedgerLine>(LEDGER_LINES(format, where), params, batch, prefetch);
  }
}
