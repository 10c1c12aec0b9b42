import { createHash } from 'node:crypto';
import { ENTRY_PROOF_VERSION, EntryProof, verifyEntryProof } from './entry-proof';
import { BlockHeader, LedgerRecord, MerkleTree, ZERO_HASH, blockHash, commitment, leafHash } from './ledger-format';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const webSha256 = async (data: Uint8Array) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));

function consentRecord(i: number, seq: number, block: number): LedgerRecord {
  const base = {
    seq: String(seq),
    block: String(block),
    stream: 'consent' as const,
    eventId: String(100 + i),
    customerId: `c-${i}`,
    address: '+14155550100',
    channel: 'sms',
    channelGroup: 'phone',
    campaignId: 'promo',
    action: i % 2 ? 'opt_out' : 'opt_in',
    source: 'keyword',
    evidence: { text: 'stop please', matched: 'stop-keyword', provider: 'twilio', ip: '203.0.113.9' },
    language: 'en',
    jurisdiction: null,
    occurredAt: '2026-11-26T10:00:00.000000Z',
    recordedAt: `2026-11-26T10:00:0${i % 10}.000000Z`,
    expiresAt: null,
    recordedBy: 'inbound:twilio',
    subject: null,
    salt: `${String(i).padStart(2, '0')}`.repeat(16),
  };
  const c = commitment(base.salt, base);
  return { ...base, commitment: c, leafHash: leafHash({ ...base, commitment: c }) };
}

/** A ledger of three blocks (3, 5 and 2 entries) and the proof of entry `seq`. */
function ledgerWithProof(seq: number): EntryProof {
  const sizes = [3, 5, 2];
  const headers: BlockHeader[] = [];
  const records: LedgerRecord[] = [];
  let next = 1;
  for (const [b, size] of sizes.entries()) {
    const rs = Array.from({ length: size }, (_, i) => consentRecord(next + i, next + i, b + 1));
    const header = {
      blockNo: String(b + 1),
      firstSeq: String(next),
      size,
      firstRecordedAt: rs[0].recordedAt,
      lastRecordedAt: rs[size - 1].recordedAt,
      merkleRoot: new MerkleTree(rs.map((r) => r.leafHash)).root,
      prevHash: headers[b - 1]?.blockHash ?? ZERO_HASH,
      sealedAt: '2026-11-26T10:00:10.000000Z',
    };
    headers.push({ ...header, blockHash: blockHash(header) });
    records.push(...rs);
    next += size;
  }
  const entry = records[seq - 1];
  const block = headers[Number(entry.block) - 1];
  const inBlock = records.filter((r) => r.block === entry.block).map((r) => r.leafHash);
  const ledgerTree = new MerkleTree(headers.map((h) => h.blockHash));
  return {
    version: ENTRY_PROOF_VERSION,
    entry,
    block,
    leafPath: new MerkleTree(inBlock).proof(seq - Number(block.firstSeq)),
    head: { blocks: headers.length, ledgerRoot: ledgerTree.root },
    blockPath: ledgerTree.proof(Number(block.blockNo) - 1),
  };
}

const altered = (p: EntryProof, change: (copy: EntryProof) => void): EntryProof => {
  const copy = structuredClone(p);
  change(copy);
  return copy;
};

describe('an entry proof', () => {
  it.each([1, 4, 6, 8, 10])('of entry %i holds, with node:crypto and with Web Crypto', async (seq) => {
    const proof = ledgerWithProof(seq);
    await expect(verifyEntryProof(proof, sha256)).resolves.toEqual({ ok: true });
    await expect(verifyEntryProof(proof, webSha256, proof.head)).resolves.toEqual({ ok: true });
  });

  it('fails at the entry when its personal fields change (what the customer wrote, say)', async () => {
    const verdict = await verifyEntryProof(
      altered(ledgerWithProof(6), (p) => (p.entry.evidence.text = 'yes please')),
      sha256,
    );
    expect(verdict).toEqual({ ok: false, failedAt: 'entry', problem: 'entry 6: its personal fields (customer, address or evidence) were altered' });
  });

  it('fails at the entry when a recorded field changes, and when its leaf hash is made to match', async () => {
    const changed = altered(ledgerWithProof(6), (p) => (p.entry.action = 'renewed'));
    expect(await verifyEntryProof(changed, sha256)).toMatchObject({ ok: false, failedAt: 'entry', problem: expect.stringContaining('recorded fields') });
    const covered = altered(changed, (p) => (p.entry.leafHash = leafHash(p.entry)));
    expect(await verifyEntryProof(covered, sha256)).toMatchObject({ ok: false, failedAt: 'block', problem: expect.stringContaining('audit path') });
  });

  it("fails at the block when the path is another entry's, or the header was altered", async () => {
    const other = ledgerWithProof(7);
    expect(
      await verifyEntryProof(
        altered(ledgerWithProof(6), (p) => (p.leafPath = other.leafPath)),
        sha256,
      ),
    ).toMatchObject({ failedAt: 'block' });
    expect(
      await verifyEntryProof(
        altered(ledgerWithProof(6), (p) => (p.block.sealedAt = '2026-11-27T00:00:00.000000Z')),
        sha256,
      ),
    ).toMatchObject({
      failedAt: 'block',
      problem: expect.stringContaining('header of block 2 was altered'),
    });
  });

  it('fails at the ledger when the block is not under the head, or the head is not the one expected', async () => {
    const proof = ledgerWithProof(6);
    expect(
      await verifyEntryProof(
        altered(proof, (p) => (p.head.ledgerRoot = 'ab'.repeat(32))),
        sha256,
      ),
    ).toMatchObject({ failedAt: 'ledger' });
    expect(
      await verifyEntryProof(
        altered(proof, (p) => (p.blockPath = p.blockPath.slice(1))),
        sha256,
      ),
    ).toMatchObject({ failedAt: 'ledger' });
    expect(await verifyEntryProof(proof, sha256, { blocks: 3, ledgerRoot: 'cd'.repeat(32) })).toMatchObject({
      failedAt: 'ledger',
      problem: expect.stringContaining('not at the head expected'),
    });
  });

  it('is refused, not thrown, when malformed', async () => {
    expect(
      await verifyEntryProof(
        altered(ledgerWithProof(2), (p) => (p.leafPath[0] = 'zz')),
        sha256,
      ),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('malformed'),
    });
  });
});
