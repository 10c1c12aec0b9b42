import { ExportProof, ExportRow } from './export-format';
import { BlockHeader, MerkleTree, blockHash, entryProblem, rootFromProof, treeSizeOf } from '../ledger/ledger-format';

export interface ExportVerdict {
  ok: boolean;
  rows: number;
  blocks: number;
  /** True when the file proves it holds every entry of its blocks (mode `blocks`). */
  complete: boolean;
  head: ExportProof['head'];
  firstRecordedAt: string | null;
  lastRecordedAt: string | null;
  failure?: { seq?: string; blockNo?: string; eventId?: string; line?: number; problem: string };
  notes: string[];
}

/**
 * Checks an export file on its own, offline: every row recomputes to its leaf hash (and, while
 * not erased, to its commitment); every row is in its block's Merkle root (the whole block, or
 * its audit path); every block header is intact, consecutive ones are chained, and each run of
 * blocks is in the ledger tree whose root is the head (compare it with the head you published).
 * Rows are consumed one at a time: memory stays flat with the file's size.
 */
export class ExportVerifier {
  private readonly headers = new Map<string, BlockHeader>();
  private rows = 0;
  private line = 0;
  private failure?: ExportVerdict['failure'];
  private current: { header: BlockHeader; leaves: string[]; next: bigint } | null = null;
  private readonly covered: string[] = [];
  private firstRecordedAt: string | null = null;
  private lastRecordedAt: string | null = null;

  constructor(private readonly proof: ExportProof) {
    this.checkHeaders();
  }

  /** Feeds the next row; returns false once verification has failed (stop reading). */
  add(row: ExportRow): boolean {
    this.line++;
    if (this.failure) return false;
    this.rows++;
    const at = { seq: row.seq, blockNo: row.block, eventId: row.eventId, line: this.line };
    const header = this.headers.get(row.block);
    if (!header) return this.fail({ ...at, problem: `row ${row.seq} names block ${row.block}, which the proof does not hold` });
    const problem = entryProblem(row);
    if (problem) return this.fail({ ...at, problem: `${row.stream} event ${row.eventId}: ${problem}` });
    if (this.firstRecordedAt === null || row.recordedAt < this.firstRecordedAt) this.firstRecordedAt = row.recordedAt;
    if (this.lastRecordedAt === null || row.recordedAt > this.lastRecordedAt) this.lastRecordedAt = row.recordedAt;
    const index = Number(BigInt(row.seq) - BigInt(header.firstSeq));
    if (this.proof.mode === 'filtered') {
      if (!row.proof || rootFromProof(row.leafHash, index, header.size, row.proof) !== header.merkleRoot) {
        return this.fail({ ...at, problem: `row ${row.seq} is not in block ${row.block} (its audit path does not lead to the block's root)` });
      }
      return true;
    }
    if (this.current?.header !== header) {
      if (!this.closeBlock()) return false;
      if (this.covered.length && this.covered[this.covered.length - 1] !== String(BigInt(header.blockNo) - 1n)) {
        return this.fail({ ...at, problem: `block ${header.blockNo} follows block ${this.covered[this.covered.length - 1]}: blocks are missing between them` });
      }
      this.current = { header, leaves: [], next: BigInt(header.firstSeq) };
      this.covered.push(header.blockNo);
    }
    if (BigInt(row.seq) !== this.current.next) return this.fail({ ...at, problem: `entry ${this.current.next} is missing (found ${row.seq})` });
    this.current.leaves.push(row.leafHash);
    this.current.next++;
    return true;
  }

  finish(): ExportVerdict {
    if (!this.failure && this.proof.mode === 'blocks') {
      this.closeBlock();
      if (!this.failure && this.covered.length !== this.proof.blocks.length) {
        this.fail({ problem: `the proof holds ${this.proof.blocks.length} blocks but the file has rows for ${this.covered.length}: rows were removed` });
      }
    }
    if (!this.failure && this.rows !== this.proof.rows) this.fail({ problem: `the file has ${this.rows} rows, the proof says ${this.proof.rows}` });
    const notes =
      this.proof.mode === 'blocks'
        ? [
            `complete: every entry of blocks ${this.proof.blocks[0]?.blockNo ?? '-'}..${this.proof.blocks[this.proof.blocks.length - 1]?.blockNo ?? '-'} is in the file`,
          ]
        : [
            'filtered export: each row is proven to be in the ledger; the file cannot prove that no other entry matches the filter (GET /v1/audit/verify checks the whole ledger)',
          ];
    return {
      ok: !this.failure,
      rows: this.rows,
      blocks: this.proof.blocks.length,
      complete: !this.failure && this.proof.mode === 'blocks',
      head: this.proof.head,
      firstRecordedAt: this.firstRecordedAt,
      lastRecordedAt: this.lastRecordedAt,
      ...(this.failure ? { failure: this.failure } : {}),
      notes,
    };
  }

  private closeBlock(): boolean {
    const c = this.current;
    if (!c) return true;
    this.current = null;
    if (c.leaves.length !== c.header.size) {
      return this.fail({
        blockNo: c.header.blockNo,
        seq: c.next.toString(),
        problem: `block ${c.header.blockNo} has ${c.header.size} entries, the file ${c.leaves.length}: rows were removed`,
      });
    }
    if (new MerkleTree(c.leaves).root !== c.header.merkleRoot) {
      return this.fail({ blockNo: c.header.blockNo, problem: `the rows of block ${c.header.blockNo} were reordered or replaced (the Merkle root differs)` });
    }
    return true;
  }

  private checkHeaders(): void {
    const { blocks, head, paths } = this.proof;
    for (const [i, h] of blocks.entries()) {
      this.headers.set(h.blockNo, h);
      if (blockHash(h) !== h.blockHash) return void this.fail({ blockNo: h.blockNo, problem: `block ${h.blockNo}'s header was altered` });
      const next = blocks[i + 1];
      const chained = next && BigInt(next.blockNo) === BigInt(h.blockNo) + 1n;
      if (chained && (next.prevHash !== h.blockHash || BigInt(next.firstSeq) !== BigInt(treeSizeOf(h)) + 1n)) {
        return void this.fail({ blockNo: next.blockNo, problem: `block ${next.blockNo} is not bound to block ${h.blockNo}` });
      }
      if (!chained && rootFromProof(h.blockHash, Number(h.blockNo) - 1, head.blocks, paths[h.blockNo] ?? []) !== head.ledgerRoot) {
        return void this.fail({
          blockNo: h.blockNo,
          problem: `block ${h.blockNo} is not in the ledger whose head is ${head.ledgerRoot} (${head.blocks} blocks)`,
        });
      }
    }
  }

  private fail(failure: NonNullable<ExportVerdict['failure']>): false {
    this.failure ??= failure;
    return false;
  }
}
