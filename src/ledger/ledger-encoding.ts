/**
 * The ledger's byte formats, with nothing that needs Node: the service hashes them with
 * node:crypto (ledger-format.ts), the staff console in the browser with Web Crypto
 * (entry-proof.ts). One definition, so the two cannot disagree about what was sealed.
 */

/** Evidence keys that identify the person; everything else in evidence is public to the ledger. */
export const PERSONAL_EVIDENCE_KEYS = ['ip', 'userAgent', 'text', 'pageUrl', 'recordingRef'] as const;
/** Customer ids and addresses of an erased customer start with this. */
export const ERASED_PREFIX = 'erased:';
export const ZERO_HASH = '0'.repeat(64);

export type Stream = 'consent' | 'system';

/**
 * One ledger entry as the API exports it, and as the verifiers read it back. System events use
 * `action` for their type, `recordedBy` for their actor and `evidence` for their details.
 * Timestamps are ISO 8601 UTC with microseconds, exactly as PostgreSQL holds them.
 */
export interface LedgerRecord {
  seq: string;
  block: string;
  stream: Stream;
  eventId: string;
  customerId: string | null;
  address: string | null;
  channel: string | null;
  channelGroup: string | null;
  campaignId: string | null;
  action: string;
  source: string | null;
  evidence: Record<string, unknown>;
  language: string | null;
  jurisdiction: string | null;
  occurredAt: string | null;
  recordedAt: string;
  expiresAt: string | null;
  recordedBy: string;
  subject: string | null;
  /** Null once erased (or for system events, which hold no personal data). */
  salt: string | null;
  commitment: string | null;
  leafHash: string;
}

/** What a block header commits to; `blockHash` covers every other field. */
export interface BlockHeader {
  blockNo: string;
  firstSeq: string;
  size: number;
  firstRecordedAt: string;
  lastRecordedAt: string;
  merkleRoot: string;
  prevHash: string;
  sealedAt: string;
  blockHash: string;
}

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function splitEvidence(evidence: Record<string, unknown>): { personal: Record<string, unknown>; public: Record<string, unknown> } {
  const personal: Record<string, unknown> = {};
  const pub: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(evidence ?? {})) ((PERSONAL_EVIDENCE_KEYS as readonly string[]).includes(k) ? personal : pub)[k] = v;
  return { personal, public: pub };
}

/** What the salted commitment hashes after the salt: the personal fields of a consent event. */
export function personalData(r: Pick<LedgerRecord, 'customerId' | 'address' | 'evidence'>): string {
  return canonicalJson([r.customerId, r.address, splitEvidence(r.evidence).personal]);
}

/** The bytes a leaf hashes: every field of the record that is not personal, and the commitment. */
export function leafData(r: Omit<LedgerRecord, 'seq' | 'block' | 'salt' | 'leafHash'>): string {
  if (r.stream === 'system') return canonicalJson(['system-event/1', r.eventId, r.action, r.recordedBy, r.subject, r.evidence, r.recordedAt]);
  return canonicalJson([
    'consent-event/1',
    r.eventId,
    r.channel,
    r.channelGroup,
    r.campaignId,
    r.action,
    r.source,
    splitEvidence(r.evidence).public,
    r.language,
    r.jurisdiction,
    r.occurredAt,
    r.recordedAt,
    r.expiresAt,
    r.recordedBy,
    r.commitment,
  ]);
}

/** What a block hash hashes: every field of the header but the hash itself. */
export function blockData(h: Omit<BlockHeader, 'blockHash'>): string {
  return canonicalJson(['ledger-block/1', h.blockNo, h.firstSeq, h.size, h.firstRecordedAt, h.lastRecordedAt, h.merkleRoot, h.prevHash, h.sealedAt]);
}

/**
 * How an audit path climbs to the root (RFC 9162 section 2.1.3.2): for each hash of the path,
 * whether it is the left or the right sibling. Null when the path cannot belong to leaf `index`
 * of a tree of `size` leaves (wrong length, index out of range).
 */
export function pathSides(index: number, size: number, length: number): ('left' | 'right')[] | null {
  if (!Number.isInteger(index) || index < 0 || index >= size) return null;
  const sides: ('left' | 'right')[] = [];
  let fn = index;
  let sn = size - 1;
  for (let i = 0; i < length; i++) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      sides.push('left');
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sides.push('right');
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? sides : null;
}

/**
 * Why a stored entry does not match what was sealed, or null, given its commitment (when it has
 * a salt) and its leaf hash recomputed from the event as it is now.
 */
export function entryProblemGiven(r: LedgerRecord, recomputed: { commitment: string | null; leafHash: string }): string | null {
  if (r.stream === 'consent') {
    if (r.salt !== null) {
      if (r.customerId?.startsWith(ERASED_PREFIX) || r.address?.startsWith(ERASED_PREFIX)) return 'was pseudonymised outside an erasure (its salt remains)';
      if (recomputed.commitment !== r.commitment) return 'its personal fields (customer, address or evidence) were altered';
    } else if (!r.commitment) {
      return 'has no commitment to its personal fields';
    }
  }
  if (recomputed.leafHash !== r.leafHash) return 'its recorded fields were altered';
  return null;
}
