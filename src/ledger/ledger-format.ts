import { createHash, randomBytes } from 'node:crypto';

/**
 * The ledger's hashing rules, in one place: the sealer, the verifier behind
 * `GET /v1/audit/verify` and the offline verifier of export files all use these functions, so
 * they cannot disagree. Modelled on Certificate Transparency (RFC 6962): a leaf hash per
 * event, a Merkle tree per sealed block, and blocks bound each to the one before.
 *
 * Personal data is never hashed directly into a leaf: the leaf holds a salted commitment to it
 * (SHA-256 of a random salt and the personal fields). While the salt exists anyone holding the
 * record can recompute the commitment; erasure deletes the salt and replaces the fields by
 * pseudonyms, and the leaf, the block and the chain still verify. Without the salt a phone
 * number cannot be recovered by trying every number against the commitment.
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

export function sha256Hex(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
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

let salts = Buffer.alloc(0);
let saltAt = 0;
/** 16 random bytes, hex; drawn from a pooled buffer (one randomBytes call per 4,096 salts, not per leaf). */
export function newSalt(): string {
  if (saltAt + 16 > salts.length) {
    salts = randomBytes(16 * 4096);
    saltAt = 0;
  }
  saltAt += 16;
  return salts.toString('hex', saltAt - 16, saltAt);
}

/** The salted commitment to a consent event's personal fields. */
export function commitment(salt: string, r: Pick<LedgerRecord, 'customerId' | 'address' | 'evidence'>): string {
  return sha256Hex(Buffer.from(salt, 'hex'), canonicalJson([r.customerId, r.address, splitEvidence(r.evidence).personal]));
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

/** RFC 6962 leaf hash: SHA-256(0x00 || data). */
export function leafHash(r: Omit<LedgerRecord, 'seq' | 'block' | 'salt' | 'leafHash'>): string {
  return sha256Hex(Buffer.from([0]), leafData(r));
}

function nodeHash(left: string, right: string): string {
  return sha256Hex(Buffer.from([1]), Buffer.from(left, 'hex'), Buffer.from(right, 'hex'));
}

/** Largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * RFC 6962 Merkle tree over leaf hashes (hex), with every inner node kept so that audit paths
 * cost O(log n) each: an export proves thousands of rows of one block in one pass.
 */
export class MerkleTree {
  private readonly nodes = new Map<number, string>();
  readonly root: string;

  constructor(private readonly leaves: readonly string[]) {
    this.root = leaves.length === 0 ? sha256Hex('') : this.build(0, leaves.length);
  }

  get size(): number {
    return this.leaves.length;
  }

  /** Audit path of leaf `index`: sibling hashes from the leaf up to the root. */
  proof(index: number): string[] {
    const path: string[] = [];
    let lo = 0;
    let hi = this.leaves.length;
    while (hi - lo > 1) {
      const k = split(hi - lo);
      if (index < lo + k) {
        path.push(this.node(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.node(lo, lo + k));
        lo += k;
      }
    }
    return path.reverse();
  }

  private key(lo: number, hi: number): number {
    return lo * (this.leaves.length + 1) + hi;
  }

  private node(lo: number, hi: number): string {
    return hi - lo === 1 ? this.leaves[lo] : this.nodes.get(this.key(lo, hi))!;
  }

  private build(lo: number, hi: number): string {
    if (hi - lo === 1) return this.leaves[lo];
    const k = split(hi - lo);
    const h = nodeHash(this.build(lo, lo + k), this.build(lo + k, hi));
    this.nodes.set(this.key(lo, hi), h);
    return h;
  }
}

export function merkleRoot(leaves: readonly string[]): string {
  return new MerkleTree(leaves).root;
}

/** Recomputes the root from a leaf and its audit path (RFC 9162 section 2.1.3.2). */
export function rootFromProof(leaf: string, index: number, size: number, path: readonly string[]): string | null {
  if (index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

export function blockHash(h: Omit<BlockHeader, 'blockHash'>): string {
  return sha256Hex(canonicalJson(['ledger-block/1', h.blockNo, h.firstSeq, h.size, h.firstRecordedAt, h.lastRecordedAt, h.merkleRoot, h.prevHash, h.sealedAt]));
}

export const treeSizeOf = (h: BlockHeader) => (BigInt(h.firstSeq) + BigInt(h.size) - 1n).toString();

/**
 * Why a stored entry does not match what was sealed, or null: its commitment (while the salt
 * exists) and its leaf hash are recomputed from the event as it is now.
 */
export function entryProblem(r: LedgerRecord): string | null {
  if (r.stream === 'consent') {
    if (r.salt !== null) {
      if (r.customerId?.startsWith(ERASED_PREFIX) || r.address?.startsWith(ERASED_PREFIX)) return 'was pseudonymised outside an erasure (its salt remains)';
      if (commitment(r.salt, r) !== r.commitment) return 'its personal fields (customer, address or evidence) were altered';
    } else if (!r.commitment) {
      return 'has no commitment to its personal fields';
    }
  }
  if (leafHash(r) !== r.leafHash) return 'its recorded fields were altered';
  return null;
}

/** Where a chain of headers (oldest first, from block 1) first fails, or null. */
export function checkChain(headers: readonly BlockHeader[]): { blockNo: string; problem: string } | null {
  let prev = ZERO_HASH;
  let nextSeq = 1n;
  for (const [i, h] of headers.entries()) {
    if (h.blockNo !== String(i + 1)) return { blockNo: h.blockNo, problem: `block ${i + 1} is missing (found ${h.blockNo})` };
    if (h.prevHash !== prev) return { blockNo: h.blockNo, problem: 'is not bound to the block before it (prevHash differs)' };
    if (BigInt(h.firstSeq) !== nextSeq) return { blockNo: h.blockNo, problem: `starts at entry ${h.firstSeq}, expected ${nextSeq}` };
    if (blockHash(h) !== h.blockHash) return { blockNo: h.blockNo, problem: 'header was altered (its hash does not match)' };
    prev = h.blockHash;
    nextSeq += BigInt(h.size);
  }
  return null;
}

/**
 * The ledger tree: an RFC 6962 Merkle tree whose leaves are the block hashes, block 1 first.
 * Its root at N blocks is the ledger's published head: an inclusion path proves a block (and
 * through prevHash, the blocks before it) is part of that head in O(log N) hashes, however
 * long ago it was sealed. Only perfect subtrees are stored (ledger_node: level, index), as
 * they are computed when a block is sealed; every other node is derived from them.
 */
export type NodeKey = readonly [level: number, index: number];
export type NodeLookup = (level: number, index: number) => string;

function isPerfect(a: number, b: number): boolean {
  const n = b - a;
  return (n & (n - 1)) === 0 && a % n === 0;
}

/** MTH of leaves [a, b) from stored perfect subtrees. */
export function treeHash(a: number, b: number, get: NodeLookup): string {
  if (b - a === 0) return sha256Hex('');
  if (isPerfect(a, b)) return get(Math.log2(b - a), a / (b - a));
  const k = split(b - a);
  return nodeHash(treeHash(a, a + k, get), treeHash(a + k, b, get));
}

/** Audit path of leaf `m` in the tree of the first `n` leaves, from stored perfect subtrees. */
export function treePath(m: number, n: number, get: NodeLookup): string[] {
  const path: string[] = [];
  let a = 0;
  let b = n;
  while (b - a > 1) {
    const k = split(b - a);
    if (m < a + k) {
      path.push(treeHash(a + k, b, get));
      b = a + k;
    } else {
      path.push(treeHash(a, a + k, get));
      a += k;
    }
  }
  return path.reverse();
}

/** The stored nodes that `work` reads: a dry run records them, so they come in one query. */
export function nodesRead(work: (get: NodeLookup) => unknown): NodeKey[] {
  const seen = new Map<string, NodeKey>();
  work((level, index) => {
    seen.set(`${level}:${index}`, [level, index]);
    return ZERO_HASH;
  });
  return [...seen.values()];
}

/**
 * The perfect subtrees that block `index` (0-based) completes, given its hash and a lookup of
 * the left siblings it needs (nodesToAdd(index, ..) reads (l, (index >> l) - 1) for each level l
 * where bit l of index is set, going up while it is).
 */
export function nodesToAdd(index: number, hash: string, get: NodeLookup): { level: number; index: number; hash: string }[] {
  const out = [{ level: 0, index, hash }];
  let h = hash;
  let i = index;
  let level = 0;
  while (i % 2 === 1) {
    h = nodeHash(get(level, i - 1), h);
    level++;
    i = (i - 1) / 2;
    out.push({ level, index: i, hash: h });
  }
  return out;
}
