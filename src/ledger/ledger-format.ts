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
import { createHash, randomBytes } from 'node:crypto';
import { BlockHeader, LedgerRecord, ZERO_HASH, blockData, entryProblemGiven, leafData, pathSides, personalData } from './ledger-encoding';

export {
  ERASED_PREFIX,
  PERSONAL_EVIDENCE_KEYS,
  ZERO_HASH,
  canonicalJson,
  leafData,
  splitEvidence,
  type BlockHeader,
  type LedgerRecord,
  type Stream,
} from './ledger-encoding';

export function sha256Hex(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
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
  return sha256Hex(Buffer.from(salt, 'hex'), personalData(r));
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
  const sides = pathSides(index, size, path.length);
  return sides && path.reduce((r, p, i) => (sides[i] === 'left' ? nodeHash(p, r) : nodeHash(r, p)), leaf);
}

export function blockHash(h: Omit<BlockHeader, 'blockHash'>): string {
  return sha256Hex(blockData(h));
}

export const treeSizeOf = (h: BlockHeader) => (BigInt(h.firstSeq) + BigInt(h.size) - 1n).toString();

/**
 * Why a stored entry does not match what was sealed, or null: its commitment (while the salt
 * exists) and its leaf hash are recomputed from the event as it is now.
 */
export function entryProblem(r: LedgerRecord): string | null {
  return entryProblemGiven(r, { commitment: r.salt === null ? null : commitment(r.salt, r), leafHash: leafHash(r) });
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
