import { BlockHeader, LedgerRecord } from '../ledger/ledger-format';

/**
 * The export file formats (`GET /v1/audit/export`), written by the service and read back by
 * the offline verifier (`npm run audit:verify -- --file`). One row per ledger entry, oldest
 * first, with every field of the record (docs/domain.md §8) and the ledger data that proves
 * it: position (seq), block, salt, commitment, leaf hash, and in filtered exports the audit
 * path of the row in its block.
 */
export const EXPORT_COLUMNS = [
  'seq',
  'block',
  'stream',
  'eventId',
  'customerId',
  'address',
  'channel',
  'channelGroup',
  'campaignId',
  'action',
  'source',
  'evidence',
  'language',
  'jurisdiction',
  'occurredAt',
  'recordedAt',
  'expiresAt',
  'recordedBy',
  'subject',
  'salt',
  'commitment',
  'leafHash',
  'proof',
] as const;

export type ExportRow = LedgerRecord & { proof: string[] | null };

/**
 * `blocks`: every entry of blocks `first`..`last` is in the file (an unfiltered export, or one
 * filtered by time only, which covers whole blocks); the file proves its own completeness.
 * `filtered`: the rows that match, each with its audit path; the file proves each row is in
 * the ledger, not that no other entry matches.
 */
export type ExportMode = 'blocks' | 'filtered';

export interface ExportProof {
  version: 'consent-ledger-export/1';
  exportId: string;
  exportedAt: string;
  mode: ExportMode;
  filter: Record<string, unknown>;
  rows: number;
  /** The ledger head the blocks are proven against. */
  head: { blocks: number; ledgerRoot: string };
  /** Headers of the blocks the rows belong to, oldest first. */
  blocks: BlockHeader[];
  /** Per block that ends a run of consecutive blocks: its audit path in the ledger tree at `head`. */
  paths: Record<string, string[]>;
}

export const CSV_HEADER = `${EXPORT_COLUMNS.join(',')}\r\n`;

/*
 * The rows themselves are formatted by PostgreSQL (LEDGER_LINES in ledger.repository.ts):
 * NDJSON objects, or RFC 4180 CSV (CRLF line ends; every text field quoted, quotes doubled;
 * an empty unquoted field is null, "" an empty string). Evidence is a JSON text.
 */

/** A row read back from either format (CSV cells by header name; NDJSON as written). */
export function rowFromFields(f: Record<string, unknown>): ExportRow {
  const str = (k: string): string | null => {
    const v = f[k];
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  const evidence = typeof f.evidence === 'string' ? (JSON.parse(f.evidence) as Record<string, unknown>) : ((f.evidence ?? {}) as Record<string, unknown>);
  const proof = Array.isArray(f.proof) ? (f.proof as string[]) : typeof f.proof === 'string' && f.proof !== '' ? f.proof.split(' ') : null;
  return {
    seq: str('seq')!,
    block: str('block')!,
    stream: str('stream') as LedgerRecord['stream'],
    eventId: str('eventId')!,
    customerId: str('customerId'),
    address: str('address'),
    channel: str('channel'),
    channelGroup: str('channelGroup'),
    campaignId: str('campaignId'),
    action: str('action')!,
    source: str('source'),
    evidence,
    language: str('language'),
    jurisdiction: str('jurisdiction'),
    occurredAt: str('occurredAt'),
    recordedAt: str('recordedAt')!,
    expiresAt: str('expiresAt'),
    recordedBy: str('recordedBy')!,
    subject: str('subject'),
    salt: str('salt'),
    commitment: str('commitment'),
    leafHash: str('leafHash')!,
    proof,
  };
}
