import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ENTRY_PROOF_VERSION, EntryProof } from '../ledger/entry-proof';
import { ConsentReceipt, buildReceipt } from './receipt';
import { Principal } from '../auth/scopes';
import { AddressNormaliser } from '../customers/address-normaliser';
import { Problem } from '../common/problem';
import { Transactions, ReadSnapshot } from '../database/transactions';
import { AuditEventsQuery, AuditExportQuery, AuditFilterQuery, LedgerPageDto } from './audit.dto';
import { AuditRepository, EntryFilter, ExportSelection } from './audit.repository';
import { CSV_HEADER, ExportMode, ExportProof } from './export-format';
import { BlockHeader, MerkleTree } from '../ledger/ledger-format';
import { LedgerRepository, StoredRecord } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { Pseudonyms } from '../ledger/pseudonyms';
import { SystemEvents } from '../ledger/system-events';

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
    private readonly transactions: Transactions,
    private readonly audit: AuditRepository,
    private readonly ledger: LedgerService,
    private readonly ledgerRepository: LedgerRepository,
    private readonly systemEvents: SystemEvents,
    private readonly pseudonyms: Pseudonyms,
    private readonly normaliser: AddressNormaliser,
    private readonly campaigns: CampaignsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /** The filter as the repository takes it: the address normalised (a 400 naming it otherwise). */
  private entryFilter(f: AuditFilterQuery): EntryFilter {
    const address = f.address ? this.normaliser.normalise(f.channel ?? (f.address.includes('@') ? 'email' : 'sms'), f.address, 'address', true) : undefined;
    return { from: f.from, to: f.to, customerId: f.customerId, address, channel: f.channel, campaignId: f.campaignId, types: f.types };
  }

  private checkRange(f: AuditFilterQuery): void {
    if (f.from && f.to && Date.parse(f.from) >= Date.parse(f.to)) throw Problem.field('to', 'must be after from');
  }

  /** `GET /v1/audit/events`: the same filter as the export, one page at a time, oldest (or newest) first. */
  async events(q: AuditEventsQuery, principal: Principal): Promise<LedgerPageDto> {
    this.checkRange(q);
    const limit = q.limit ?? 100;
    const filter = this.entryFilter(q);
    const rows = await this.transactions.run(async () => {
      await this.systemEvents.record('audit.read', principal.actor, null, {
        filter: this.recordedFilter(q),
        cursor: q.cursor ?? null,
        limit,
        ...(q.order === 'desc' ? { order: 'desc' } : {}),
      });
      return this.audit.entriesPage(filter, q.cursor ?? '0', limit + 1, q.order);
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
    const entryFilter = this.entryFilter(q); // validates the address before anything is written
    if (q.headBlocks !== undefined) {
      const blocks = Number((await this.ledgerRepository.head()).header?.blockNo ?? 0);
      if (q.headBlocks > blocks) throw Problem.field('headBlocks', `must be at most the current number of blocks (${blocks})`);
    }
    // What was written just before the export is in it.
    await this.ledger.sealPending().catch((error: Error) => this.logger.warn(`seal before export failed: ${error.message}`));
    const id = randomUUID();
    const filter = this.recordedFilter(q);
    await this.transactions.run(async () => {
      await this.audit.recordExport(id, principal.actor, format, { ...filter, mode });
      await this.systemEvents.record('audit.exported', principal.actor, `export:${id}`, { format, mode, filter });
    });
    const snapshot = await this.transactions.snapshot();
    try {
      const plan = await this.plan(snapshot, { ...q, format }, mode, entryFilter);
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

  /** The head the export is proven against, and which rows it holds. */
  private async plan(snapshot: ReadSnapshot, q: AuditExportQuery & { format: 'csv' | 'ndjson' }, mode: ExportMode, filter: EntryFilter) {
    const top = await this.audit.lastBlock(snapshot);
    const blocks = top ? Number(top.blockNo) : 0;
    const headBlocks = Math.min(q.headBlocks ?? blocks, blocks);
    let selection: ExportSelection;
    let headers: BlockHeader[] = [];
    if (mode === 'blocks') {
      const span = await this.audit.blockSpan(snapshot, headBlocks, q.from ?? null, q.to ?? null);
      selection = { blocks: span };
      // A whole-block export knows its blocks up front: no query interrupts the rows' cursor.
      if (span) headers = await this.audit.blocksBetween(snapshot, span.from, span.to);
    } else {
      selection = { filter, upToSeq: await this.audit.lastSeqOf(snapshot, headBlocks) };
    }
    return { selection, headers, head: { blocks: headBlocks, ledgerRoot: await this.ledger.ledgerRoot(headBlocks, snapshot) } };
  }

  private async *rows(
    snapshot: ReadSnapshot,
    plan: { selection: ExportSelection; headers: BlockHeader[]; head: ExportProof['head'] },
    meta: { id: string; format: 'csv' | 'ndjson'; mode: ExportMode; filter: Record<string, unknown> },
  ): AsyncGenerator<string> {
    const csv = meta.format === 'csv';
    const known = new Map(plan.headers.map((h) => [h.blockNo, h]));
    const headers: BlockHeader[] = [];
    let tree: MerkleTree | null = null;
    let count = 0;
    try {
      if (csv) yield CSV_HEADER;
      for await (const batch of this.audit.exportLines(snapshot, meta.format, plan.selection, EXPORT_BATCH, meta.mode === 'blocks')) {
        let chunk = '';
        for (const r of batch) {
          if (!r.present) throw new Error(`ledger entry ${r.seq} has no event: run GET /v1/audit/verify`);
          let header = headers[headers.length - 1];
          if (header?.blockNo !== r.block && known.has(r.block)) {
            header = known.get(r.block)!;
            headers.push(header);
          } else if (header?.blockNo !== r.block) {
            header = await this.audit.block(snapshot, r.block);
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
        if (headers[i + 1]?.blockNo !== String(Number(h.blockNo) + 1))
          paths[h.blockNo] = await this.ledger.blockPath(Number(h.blockNo), plan.head.blocks, snapshot);
      }
      const proof: ExportProof = {
        version: 'consent-ledger-export/1',
        exportId: meta.id,
        exportedAt: new Date().toISOString(),
        mode: meta.mode,
        filter: meta.filter,
        rows: count,
        head: plan.head,
        blocks: headers,
        paths,
      };
      await this.audit.completeExport(meta.id, count, proof);
      if (meta.format === 'ndjson') yield `${JSON.stringify({ proof })}\n`;
    } finally {
      await snapshot.close();
    }
  }

  /**
   * The proof that the entry at `seq` is in the ledger: its block's audit path and the block's
   * path to the head (`headBlocks`, else the current one), all read from one snapshot.
   */
  async entryProof(seq: string, headBlocks: number | undefined, principal: Principal, purpose: 'proof' | 'receipt' = 'proof'): Promise<EntryProof> {
    const snapshot = await this.transactions.snapshot();
    let proof: EntryProof;
    try {
      const stored = await this.audit.entryAt(snapshot, seq);
      if (!stored)
        throw Problem.notFound('ENTRY.NOT_FOUND', `No sealed ledger entry is at position ${seq} (entries are sealed within seconds of being recorded).`);
      const blocks = Number((await this.audit.lastBlock(snapshot))!.blockNo);
      const head = headBlocks ?? blocks;
      if (head > blocks) throw Problem.field('headBlocks', `must be at most the current number of blocks (${blocks})`);
      if (head < Number(stored.block)) throw Problem.field('headBlocks', `must be at least ${stored.block}: the entry was sealed in block ${stored.block}`);
      const block = await this.audit.block(snapshot, stored.block);
      const leaves = await this.ledgerRepository.leafHashes(snapshot, stored.block);
      proof = {
        version: ENTRY_PROOF_VERSION,
        entry: toEntry(stored),
        block,
        leafPath: new MerkleTree(leaves).proof(Number(BigInt(seq) - BigInt(block.firstSeq))),
        head: { blocks: head, ledgerRoot: await this.ledger.ledgerRoot(head, snapshot) },
        blockPath: await this.ledger.blockPath(Number(block.blockNo), head, snapshot),
      };
    } finally {
      await snapshot.close();
    }
    await this.systemEvents.record('audit.read', principal.actor, null, { [purpose]: seq, headBlocks: proof.head.blocks });
    return proof;
  }

  /** A consent receipt (src/audit/receipt.ts) of the consent entry at `seq`, with its proof. */
  async receipt(seq: string, headBlocks: number | undefined, principal: Principal): Promise<ConsentReceipt> {
    const proof = await this.entryProof(seq, headBlocks, principal, 'receipt');
    if (proof.entry.stream !== 'consent')
      throw Problem.unprocessable('ENTRY.NOT_CONSENT', `Entry ${seq} is a ${proof.entry.action} system event: receipts are of consent events.`);
    const campaign = proof.entry.campaignId ? await this.campaigns.find(proof.entry.campaignId) : null;
    return buildReceipt(proof, {
      receiptId: randomUUID(),
      issuedAt: new Date().toISOString(),
      issuer: this.config.brandName,
      campaign: campaign && { id: campaign.id, name: campaign.name, purpose: campaign.purpose },
    });
  }

  /** The proof of a completed export (a CSV file's is not in the file). */
  async proof(id: string): Promise<ExportProof> {
    const row = await this.audit.findExport(id);
    if (!row) throw Problem.notFound('EXPORT.NOT_FOUND', `No export has id ${id}.`);
    if (!row.proof) throw Problem.conflict('EXPORT.INCOMPLETE', `Export ${id} has not finished streaming (or was interrupted): its proof does not exist.`);
    return row.proof;
  }
}
