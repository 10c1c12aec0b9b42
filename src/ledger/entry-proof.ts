/**
 * The proof that one ledger entry is part of the ledger's head, and its verification with any
 * SHA-256: Web Crypto in the staff console (the browser checks it; it does not take the
 * service's word), node:crypto in `npm run audit:verify -- --receipt`. Nothing here needs Node.
 *
 * The chain of evidence, each link recomputed, none read from the proof:
 *   the entry's fields -> its commitment and leaf hash -> with its audit path, its block's
 *   Merkle root -> the block's hash -> with the block's path, the ledger root of the head.
 */
import { BlockHeader, LedgerRecord, blockData, entryProblemGiven, leafData, pathSides, personalData } from './ledger-encoding';

export const ENTRY_PROOF_VERSION = 'consent-ledger-entry-proof/1';

export interface EntryProof {
  version: typeof ENTRY_PROOF_VERSION;
  /** The entry as stored now (with its salt while it has one). */
  entry: LedgerRecord;
  /** The header of the block it was sealed in. */
  block: BlockHeader;
  /** Its audit path in that block (leaf index: seq - firstSeq). */
  leafPath: string[];
  /** The head the block is proven against. */
  head: { blocks: number; ledgerRoot: string };
  /** The block's audit path in the ledger tree of `head.blocks` blocks. */
  blockPath: string[];
}

/** SHA-256 of some bytes, synchronous or not. */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface ProofVerdict {
  ok: boolean;
  /** Where it failed: the entry's own fields, its block, or the ledger above the block. */
  failedAt?: 'entry' | 'block' | 'ledger';
  problem?: string;
}

const utf8 = new TextEncoder();
const HEX = /^[0-9a-f]*$/;

function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !HEX.test(hex)) throw new TypeError('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Hashers of the ledger's formats (ledger-format.ts holds their synchronous twins). */
export function ledgerHashes(sha256: Sha256) {
  const hex = async (...parts: Uint8Array[]) => toHex(await sha256(concat(...parts)));
  const nodeHash = (left: string, right: string) => hex(Uint8Array.of(1), fromHex(left), fromHex(right));
  return {
    commitment: (salt: string, r: LedgerRecord) => hex(fromHex(salt), utf8.encode(personalData(r))),
    leafHash: (r: LedgerRecord) => hex(Uint8Array.of(0), utf8.encode(leafData(r))),
    blockHash: (h: BlockHeader) => hex(utf8.encode(blockData(h))),
    /** The root an audit path leads to, or null when it cannot belong to leaf `index` of `size`. */
    async rootFromPath(leaf: string, index: number, size: number, path: readonly string[]): Promise<string | null> {
      const sides = pathSides(index, size, path.length);
      if (!sides) return null;
      let r = leaf;
      for (const [i, p] of path.entries()) r = sides[i] === 'left' ? await nodeHash(p, r) : await nodeHash(r, p);
      return r;
    },
  };
}

/** Checks every link from the entry's fields to `proof.head`; `expectedHead`, when given, must be that head. */
export async function verifyEntryProof(proof: EntryProof, sha256: Sha256, expectedHead?: { blocks: number; ledgerRoot: string }): Promise<ProofVerdict> {
  const fail = (failedAt: ProofVerdict['failedAt'], problem: string): ProofVerdict => ({ ok: false, failedAt, problem });
  try {
    const { entry, block, head } = proof;
    if (proof.version !== ENTRY_PROOF_VERSION) return fail('entry', `unknown proof version ${String(proof.version)}`);
    const h = ledgerHashes(sha256);
    const recomputed = {
      commitment: entry.stream === 'consent' && entry.salt !== null ? await h.commitment(entry.salt, entry) : null,
      leafHash: await h.leafHash(entry),
    };
    const problem = entryProblemGiven(entry, recomputed);
    if (problem) return fail('entry', `entry ${entry.seq}: ${problem}`);
    if (entry.block !== block.blockNo) return fail('block', `the entry names block ${entry.block}, the proof block ${block.blockNo}`);
    const index = Number(BigInt(entry.seq) - BigInt(block.firstSeq));
    if ((await h.rootFromPath(recomputed.leafHash, index, block.size, proof.leafPath)) !== block.merkleRoot)
      return fail('block', `the entry is not in block ${block.blockNo}: its audit path does not lead to the block's Merkle root`);
    const hash = await h.blockHash(block);
    if (hash !== block.blockHash) return fail('block', `the header of block ${block.blockNo} was altered (its hash does not match)`);
    if ((await h.rootFromPath(hash, Number(block.blockNo) - 1, head.blocks, proof.blockPath)) !== head.ledgerRoot)
      return fail('ledger', `block ${block.blockNo} is not in the ledger head of ${head.blocks} blocks: its path does not lead to the ledger root`);
    if (expectedHead && (expectedHead.blocks !== head.blocks || expectedHead.ledgerRoot !== head.ledgerRoot))
      return fail('ledger', `the proof ends at a head of ${head.blocks} blocks (root ${head.ledgerRoot.slice(0, 12)}…), not at the head expected`);
    return { ok: true };
  } catch (error) {
    return fail('entry', `the proof is malformed: ${(error as Error).message}`);
  }
}
