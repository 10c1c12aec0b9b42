import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { AddressNormaliser } from '../common/address-normaliser';
import { Problem } from '../common/problem';
import { Db, ReadSnapshot } from '../database/db';
import { AuditEventsQuery, AuditExportQuery, AuditFilterQuery, LedgerPageDto } from './audit.dto';
import { CSV_HEADER, ExportMode, ExportProof } from './export-format';
import { BlockHeader, MerkleTree } from './ledger-format';
import { HEADER_COLUMNS, LEDGER_ENTRIES, LEDGER_LINES, LedgerLine, LedgerRepository, StoredRecord } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { Pseudonyms } from './pseudonyms';
import { SystemEvents } from './system-events';

/** Rows per cursor fetch: small batches keep a million-row export under ~120 MB above the process's baseline. */
const EXPORT_BATCH = 500;
/**
 * Largest piece written to the response: strings this small die young (a 1 MB chunk goes to
 * V8's large-object space, only freed by full collections, and a million-row export then
 * grew the heap by 150 MB before one ran).
 */
const CHUNK_CHARS = 48 * 1024;

export interface StartedExport {
  id: string;
  contentType: string;
  filename: string;
  stream: Readable;
}

function toEntry({ present: _present, ...r }: StoredRecord): Omit<StoredRecord, 'present'> {
  return r;
}

/**
 * What compliance staff read: ledger entries by filter (paged, or streamed as an export file
 * that carries its own proof), each read recorded in the ledger with who asked and for what.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly ledgerRepository: LedgerRepository,
    private readonly systemEvents: SystemEvents,
    private readonly pseudonyms: Pseudonyms,
    private readonly normaliser: AddressNormaliser,
  ) {}

  /** The filter as recorded with the read: customer ids and addresses only as keyed hashes. */
  private recordedFilter(f: AuditFilterQuery): Record<string, unknown> {
    const { customerId, address, ...rest } = f as AuditFilterQuery & Record<string, unknown>;
    return {
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(customerId ? { customerId: this.pseudonyms.customerRef(customerId) } : {}),
      ...(address ? { address: this.pseudonyms.addressRef(address) } : {}),
    };
  }

  /** SQL conditions on LEDGER_ENTRIES for the filter; parameters start after `params`. */
  private where(f: AuditFilterQuery, params: unknown[]): string[] {
    const p = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (f.from) conditions.push(`coalesce(e.recorded_at, s.recorded_at) >= ${p(f.from)}::timestamptz`);
    if (f.to) conditions.push(`coalesce(e.recorded_at, s.recorded_at) < ${p(f.to)}::timestamptz`);
    if (f.customerId) {
      const c = p(f.customerId);
      conditions.push(`(e.customer_id = ${c} or exists (select 1 from contact_point cp
        where cp.customer_id = ${c} and cp.channel_group = e.channel_group and cp.address = e.address))`);
    }
    if (f.address) {
      const channel = f.channel ?? (f.address.includes('@') ? 'email' : 'sms');
      conditions.push(`e.address = ${p(this.normaliser.normalise(channel, f.address, 'address', true))}`);
    }
    if (f.channel) conditions.push(`e.channel = ${p(f.channel)}`);
    if (f.campaignId) conditions.push(`e.campaign_id = ${p(f.campaignId)}`);
    if (f.types?.length) conditions.push(`coalesce(e.action, s.type) = any(${p(f.types)}::text[])`);
    return conditions;
  }

  private checkRange(f: AuditFilterQuery): void {
    if (f.from && f.to && Date.parse(f.from) >= Date.parse(f.to)) throw Problem.field('to', 'must be after from');
  }

  /** `GET /v1/audit/events`: the same filter as the export, one page at a time, oldest first. */
  async events(q: AuditEventsQuery, principal: Principal): Promise<LedgerPageDto> {
    this.checkRange(q);
    const limit = q.limit ?? 100;
    const params: unknown[] = [q.cursor ?? '0'];
    const where = ['l.seq > $1', ...this.where(q, params)];
    params.push(limit + 1);
    const rows = await this.db.transaction(async () => {
      await this.systemEvents.record('audit.read', principal.actor, null, { filter: this.recordedFilter(q), cursor: q.cursor ?? null, limit });
      return this.db.query<StoredRecord>(`${LEDGER_ENTRIES(where.join(' and '))} limit $${params.length}`, params);
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toEntry), nextCursor: rows.length > limit ? page[page.length - 1].seq : null };
  }

  /**
   * `GET /v1/audit/export`: seals what is queued, records the export, then streams the rows of
   * one snapshot and the proof. Without filters but time, whole blocks are exported (the file
   * proves it is complete); with any other filter, each row carries its audit path.
   */
  async export(q: AuditExportQuery, principal: Principal): Promise<StartedExport> {
    this.checkRange(q);
    const format = q.format ?? 'ndjson';
    const mode: ExportMode = q.customerId || q.address || q.channel || q.campaignId || q.types?.length ? 'filtered' : 'blocks';
    const params: unknown[] = [];
    const conditions = this.where(q, params); // validates the address before anything is written
    if (q.headBlocks !== undefined) {
      const blocks = Number((await this.ledgerRepository.head()).header?.blockNo ?? 0);
      if (q.headBlocks > blocks) throw Problem.field('headBlocks', `must be at most the current number of blocks (${blocks})`);
    }
    // What was written just before the export is in it.
    await this.ledger.sealPending().catch((error: Error) => this.logger.warn(`seal before export failed: ${error.message}`));
    const id = randomUUID();
    const filter = this.recordedFilter(q);
    await this.db.transaction(async () => {
      await this.db.query(`insert into audit_export (id, principal, format, filter) values ($1, $2, $3, $4)`, [id, principal.actor, format, { ...filter, mode }]);
      await this.systemEvents.record('audit.exported', principal.actor, `export:${id}`, { format, mode, filter });
    });
    const snapshot = await this.db.snapshot();
    try {
      const plan = await this.plan(snapshot, { ...q, format }, mode, conditions, params);
      // One chunk (EXPORT_BATCH rows) buffered at a time: memory stays flat whatever the size.
      const stream = Readable.from(this.rows(snapshot, plan, { id, format, mode, filter }), { objectMode: false, highWaterMark: 1 });
      return {
        id,
        contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        filename: `consent-ledger-${id}.${format === 'csv' ? 'csv' : 'ndjson'}`,
        stream,
      };
    } catch (error) {
      await snapshot.close();
      throw error;
    }
  }

  /** The head the export is proven against, and the SQL of its rows. */
  private async plan(snapshot: ReadSnapshot, q: AuditExportQuery & { format: 'csv' | 'ndjson' }, mode: ExportMode, conditions: string[], params: unknown[]) {
    const [top] = await snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block order by block_no desc limit 1`);
    const blocks = top ? Number(top.blockNo) : 0;
    const headBlocks = Math.min(q.headBlocks ?? blocks, blocks);
    let sql: string;
    if (mode === 'blocks') {
      const [span] = await snapshot.query<{ lo: string | null; hi: string | null }>(
        `select min(block_no)::text as lo, max(block_no)::text as hi from ledger_block
          where block_no <= $1 and ($2::timestamptz is null or last_recorded_at >= $2) and ($3::timestamptz is null or first_recorded_at < $3)`,
        [headBlocks, q.from ?? null, q.to ?? null],
      );
      params.length = 0;
      sql = LEDGER_LINES(q.format, span.lo ? `l.block_no between $${params.push(span.lo)} and $${params.push(span.hi)}` : 'false');
    } else {
      const [last] = await snapshot.query<{ size: string | null }>(`select (first_seq + size - 1)::text as size from ledger_block where block_no = $1`, [headBlocks]);
      sql = LEDGER_LINES(q.format, [`l.seq <= $${params.push(last?.size ?? '0')}`, ...conditions].join(' and '));
    }
    // A whole-block export knows its blocks up front: no query interrupts the rows' cursor.
    const headers = mode === 'blocks' && params.length === 2 ? await snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block where block_no between $1 and $2 order by block_no`, params) : [];
    return { sql, params, headers, head: { blocks: headBlocks, ledgerRoot: await this.ledger.ledgerRoot(headBlocks, snapshot) } };
  }

  private async *rows(
    snapshot: ReadSnapshot,
    plan: { sql: string; params: unknown[]; headers: BlockHeader[]; head: ExportProof['head'] },
    meta: { id: string; format: 'csv' | 'ndjson'; mode: ExportMode; filter: Record<string, unknown> },
  ): AsyncGenerator<string> {
    const csv = meta.format === 'csv';
    const known = new Map(plan.headers.map((h) => [h.blockNo, h]));
    const headers: BlockHeader[] = [];
    let tree: MerkleTree | null = null;
    let count = 0;
    try {
      if (csv) yield CSV_HEADER;
      for await (const batch of snapshot.cursor<LedgerLine>(plan.sql, plan.params, EXPORT_BATCH, meta.mode === 'blocks')) {
        let chunk = '';
        for (const r of batch) {
          if (!r.present) throw new Error(`ledger entry ${r.seq} has no event: run GET /v1/audit/verify`);
          let header = headers[headers.length - 1];
          if (header?.blockNo !== r.block && known.has(r.block)) {
            header = known.get(r.block)!;
            headers.push(header);
          } else if (header?.blockNo !== r.block) {
            [header] = await snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block where block_no = $1`, [r.block]);
            headers.push(header);
            tree = meta.mode === 'filtered' ? new MerkleTree(await this.ledgerRepository.leafHashes(snapshot, r.block)) : null;
          }
          // The last field, proof: the row's audit path in its block (filtered exports only).
          const proof = tree ? tree.proof(Number(BigInt(r.seq) - BigInt(header.firstSeq))) : null;
          chunk += csv ? `${r.line},${proof ? proof.join(' ') : ''}\r\n` : `${r.line.slice(0, -1)},"proof":${proof ? JSON.stringify(proof) : 'null'}}\n`;
          count++;
          if (chunk.length >= CHUNK_CHARS) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      const paths: Record<string, string[]> = {};
      for (const [i, h] of headers.entries()) {
        if (headers[i + 1]?.blockNo !== String(Number(h.blockNo) + 1)) paths[h.blockNo] = await this.ledger.blockPath(Number(h.blockNo), plan.head.blocks, snapshot);
      }
      const proof: ExportProof = {
        version: 'consent-ledger-export/1', exportId: meta.id, exportedAt: new Date().toISOString(), mode: meta.mode, filter: meta.filter,
        rows: count, head: plan.head, blocks: headers, paths,
      };
      await this.db.query(`update audit_export set completed_at = now(), rows = $2, proof = $3 where id = $1`, [meta.id, count, proof]);
      if (meta.format === 'ndjson') yield `${JSON.stringify({ proof })}\n`;
    } finally {
      await snapshot.close();
    }
  }

  /** The proof of a completed export (a CSV file's is not in the file). */
  async proof(id: string): Promise<ExportProof> {
    const [row] = await this.db.query<{ proof: ExportProof | null; completed_at: Date | null }>(`select proof, completed_at from audit_export where id = $1`, [id]);
    if (!row) throw Problem.notFound('EXPORT.NOT_FOUND', `No export has id ${id}.`);
    if (!row.proof) throw Problem.conflict('EXPORT.INCOMPLETE', `Export ${id} has not finished streaming (or was interrupted): its proof does not exist.`);
    return row.proof;
  }
}
