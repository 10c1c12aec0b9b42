import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Transactions, ReadSnapshot } from '../database/transactions';
import {
  BlockHeader,
  ERASED_PREFIX,
  MerkleTree,
  ZERO_HASH,
  blockHash,
  checkChain,
  commitment,
  entryProblem,
  leafHash,
  newSalt,
  treeSizeOf,
  nodesRead,
  nodesToAdd,
  treeHash,
  treePath,
} from './ledger-format';
import { LedgerRepository, NewLeaf, QueuedRecord } from './ledger.repository';

export interface LedgerHead {
  /** Entries sealed so far. */
  treeSize: string;
  /** Blocks sealed so far: the size of the ledger tree. */
  blocks: number;
  /** Root of the ledger tree (Merkle tree over the block hashes): what staff write down or publish. */
  ledgerRoot: string;
  blockNo: string | null;
  blockHash: string;
  merkleRoot: string | null;
  sealedAt: string | null;
  /** Events committed and not yet sealed, and how long the oldest has waited. */
  pending: number;
  sealLagMs: number;
}

export interface VerifyFailure {
  /** The ledger position, block and event where verification first failed (as far as known). */
  seq?: string;
  blockNo?: string;
  stream?: string;
  eventId?: string;
  problem: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries and blocks whose content was recomputed. */
  events: number;
  blocks: number;
  head: LedgerHead;
  failure?: VerifyFailure;
}

const lagOf = (oldestPendingAt: string | null) => (oldestPendingAt ? Math.max(0, Date.now() - Date.parse(oldestPendingAt)) : 0);

/** The head a block header stands for, with the ledger tree's root at it and the queue's state. */
function headOf(header: BlockHeader | null, ledgerRoot: string, pending: number, oldestPendingAt: string | null): LedgerHead {
  return {
    treeSize: header ? treeSizeOf(header) : '0',
    blocks: header ? Number(header.blockNo) : 0,
    ledgerRoot,
    blockNo: header?.blockNo ?? null,
    blockHash: header?.blockHash ?? ZERO_HASH,
    merkleRoot: header?.merkleRoot ?? null,
    sealedAt: header?.sealedAt ?? null,
    pending,
    sealLagMs: lagOf(oldestPendingAt),
  };
}

/**
 * Seals events into hash-chained Merkle blocks (see ledger-format.ts), re-verifies the ledger
 * and reports its head. Sealing runs behind the writes, from a queue their transactions fill:
 * writers take no ledger lock, one sealer runs at a time (an advisory lock), and a block is
 * written in one transaction with the queue entries it consumes.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger('Ledger');

  constructor(
    private readonly transactions: Transactions,
    private readonly ledger: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Seals everything queued, one block per batch; `{blocks: 0}` when another sealer is busy. */
  async sealPending(maxBlocks = 1000): Promise<{ blocks: number; events: number; lagMs: number }> {
    let blocks = 0;
    let events = 0;
    for (; blocks < maxBlocks; blocks++) {
      const sealed = await this.transactions.run(() => this.sealOne());
      if (sealed === null) break;
      events += sealed;
      if (sealed < this.config.sealBatchSize) {
        blocks++;
        break;
      }
    }
    return { blocks, events, lagMs: lagOf((await this.ledger.head()).oldestPendingAt) };
  }

  /** One block (inside a transaction): the number of events sealed, null when none or locked. */
  private async sealOne(): Promise<number | null> {
    if (!(await this.ledger.trySealLock())) return null;
    const queued = await this.ledger.dequeue(this.config.sealBatchSize);
    if (!queued.length) return null;
    const present = queued.filter((q) => {
      if (!q.present)
        this.logger.error(`${q.stream} event ${q.eventId} was queued for sealing but no longer exists: deleted with the ledger triggers disabled`);
      return q.present;
    });
    if (!present.length) return 0;
    // Ledger order within a block: when the ledger learned of each event.
    present.sort((a, b) =>
      a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.stream.localeCompare(b.stream) || Number(BigInt(a.eventId) - BigInt(b.eventId)),
    );
    const { header: last, now } = await this.ledger.lastBlock();
    const firstSeq = last ? BigInt(last.firstSeq) + BigInt(last.size) : 1n;
    const leaves: NewLeaf[] = present.map((r: QueuedRecord, i) => {
      const salt = r.stream === 'consent' ? newSalt() : null;
      const committed = salt ? commitment(salt, r) : null;
      // Erased before it was sealed: its salt is not kept, as erasure would have deleted it.
      const erased = r.customerId?.startsWith(ERASED_PREFIX) || r.address?.startsWith(ERASED_PREFIX);
      return {
        seq: String(firstSeq + BigInt(i)),
        stream: r.stream,
        eventId: r.eventId,
        salt: erased ? null : salt,
        commitment: committed,
        leafHash: leafHash({ ...r, commitment: committed }),
      };
    });
    const recorded = present.map((r) => r.recordedAt).sort();
    const header: Omit<BlockHeader, 'blockHash'> = {
      blockNo: String(last ? BigInt(last.blockNo) + 1n : 1n),
      firstSeq: String(firstSeq),
      size: leaves.length,
      firstRecordedAt: recorded[0],
      lastRecordedAt: recorded[recorded.length - 1],
      merkleRoot: new MerkleTree(leaves.map((l) => l.leafHash)).root,
      prevHash: last?.blockHash ?? ZERO_HASH,
      sealedAt: now,
    };
    const hash = blockHash(header);
    await this.ledger.insertBlock({ ...header, blockHash: hash }, leaves);
    const index = Number(header.blockNo) - 1;
    const siblings = await this.ledger.nodes(nodesRead((get) => nodesToAdd(index, hash, get)));
    await this.ledger.insertNodes(nodesToAdd(index, hash, siblings));
    return leaves.length;
  }

  async head(): Promise<LedgerHead> {
    const { header, pending, oldestPendingAt } = await this.ledger.head();
    return headOf(header, await this.ledgerRoot(header ? Number(header.blockNo) : 0), pending, oldestPendingAt);
  }

  /** Root of the ledger tree at `blocks` blocks, from stored nodes. */
  async ledgerRoot(blocks: number, snapshot?: ReadSnapshot): Promise<string> {
    const get = await this.ledger.nodes(
      nodesRead((g) => treeHash(0, blocks, g)),
      snapshot,
    );
    return treeHash(0, blocks, get);
  }

  /** Inclusion path of block `blockNo` in the ledger tree at `blocks` blocks. */
  async blockPath(blockNo: number, blocks: number, snapshot?: ReadSnapshot): Promise<string[]> {
    const get = await this.ledger.nodes(
      nodesRead((g) => treePath(blockNo - 1, blocks, g)),
      snapshot,
    );
    return treePath(blockNo - 1, blocks, get);
  }

  /**
   * Recomputes every entry, block root and block hash (of blocks `fromBlock`..`toBlock`, the
   * chain always from block 1), in one consistent snapshot, and stops at the first failure.
   * `known` is a head written down earlier: the ledger must still contain it.
   */
  async verify(range: { fromBlock?: number; toBlock?: number; known?: { blocks: number; ledgerRoot: string } } = {}): Promise<VerifyResult> {
    const { pending, oldestPendingAt } = await this.ledger.head();
    const snapshot = await this.transactions.snapshot();
    let events = 0;
    let blocks = 0;
    let head = headOf(null, new MerkleTree([]).root, pending, oldestPendingAt);
    const fail = (failure: VerifyFailure): VerifyResult => ({ ok: false, events, blocks, head, failure });
    try {
      const headers = await this.ledger.headers(snapshot);
      // The head as of the snapshot verified (the live one may have grown since).
      const hashes = headers.map((h) => h.blockHash);
      const root = new MerkleTree(hashes).root;
      head = headOf(headers[headers.length - 1] ?? null, root, pending, oldestPendingAt);
      const broken = checkChain(headers);
      if (broken) return fail(broken);
      if (headers.length && root !== (await this.ledgerRoot(headers.length, snapshot).catch(() => null))) {
        return fail({ problem: 'the ledger tree (ledger_node) does not match the blocks: heads and export proofs computed from it are wrong' });
      }
      if (range.known) {
        const { blocks, ledgerRoot } = range.known;
        if (blocks > headers.length || new MerkleTree(hashes.slice(0, blocks)).root !== ledgerRoot) {
          return fail({
            blockNo: String(Math.min(blocks, headers.length)),
            problem: `the ledger does not extend the head you hold (${blocks} blocks, root ${ledgerRoot}): history was rewritten or cut`,
          });
        }
      }
      const from = range.fromBlock ?? 1;
      const to = Math.min(range.toBlock ?? headers.length, headers.length);
      for (const h of headers.slice(from - 1, to)) {
        const failure = await this.verifyBlock(snapshot, h, () => events++);
        if (failure) return fail(failure);
        blocks++;
      }
      if (range.fromBlock === undefined && range.toBlock === undefined) {
        const escaped = await this.ledger.escaped(snapshot);
        if (escaped) return fail({ ...escaped, problem: 'was never sealed: it was written with the ledger triggers disabled' });
      }
      return { ok: true, events, blocks, head };
    } finally {
      await snapshot.close();
    }
  }

  private async verifyBlock(snapshot: ReadSnapshot, h: BlockHeader, counted: () => void): Promise<VerifyFailure | null> {
    const last = BigInt(treeSizeOf(h));
    let expected = BigInt(h.firstSeq);
    const leaves: string[] = [];
    for await (const rows of this.ledger.entries(snapshot, h.firstSeq, last.toString())) {
      for (const r of rows) {
        const at = { seq: r.seq, blockNo: h.blockNo, stream: r.stream, eventId: r.eventId };
        if (BigInt(r.seq) !== expected) return { seq: expected.toString(), blockNo: h.blockNo, problem: `entry ${expected} is missing from the ledger` };
        if (r.block !== h.blockNo) return { ...at, problem: `entry ${r.seq} is filed under block ${r.block}` };
        if (!r.present) return { ...at, problem: `${r.stream} event ${r.eventId} was deleted` };
        const problem = entryProblem(r);
        if (problem) return { ...at, problem: `${r.stream} event ${r.eventId}: ${problem}` };
        leaves.push(r.leafHash);
        expected++;
        counted();
      }
    }
    if (expected !== last + 1n) return { seq: expected.toString(), blockNo: h.blockNo, problem: `entry ${expected} is missing from the ledger` };
    if (new MerkleTree(leaves).root !== h.merkleRoot)
      return { blockNo: h.blockNo, problem: 'its entries were reordered, added or removed (the Merkle root differs)' };
    return null;
  }
}
