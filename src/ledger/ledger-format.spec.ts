import { createHash } from 'node:crypto';
import {
  BlockHeader,
  MerkleTree,
  ZERO_HASH,
  blockHash,
  canonicalJson,
  checkChain,
  commitment,
  leafHash,
  merkleRoot,
  nodesRead,
  nodesToAdd,
  rootFromProof,
  splitEvidence,
  treeHash,
  treePath,
} from './ledger-format';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const leafOf = (s: string) => h(Buffer.from([0]), Buffer.from(s));
const node = (l: string, r: string) => h(Buffer.from([1]), Buffer.from(l, 'hex'), Buffer.from(r, 'hex'));

const record: Omit<Parameters<typeof leafHash>[0], 'commitment'> = {
  stream: 'consent',
  eventId: '7',
  customerId: 'c-1',
  address: '+14155550100',
  channel: 'sms',
  channelGroup: 'phone',
  campaignId: 'promo',
  action: 'opt_in',
  source: 'web_form',
  evidence: { noticeVersion: 'v3', ip: '203.0.113.9', text: 'Oui, Zoë' },
  language: 'fr',
  jurisdiction: 'FR',
  occurredAt: '2026-11-26T10:00:00.000000Z',
  recordedAt: '2026-11-26T10:00:01.123000Z',
  expiresAt: null,
  recordedBy: 'api_key:1',
  subject: null,
};

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order and escapes like JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'é"\n' }], c: true } })).toBe('{"a":{"c":true,"d":[2,{"y":"é\\"\\n","z":null}]},"b":1}');
  });
});

describe('Merkle tree (RFC 6962)', () => {
  const leaves = Array.from({ length: 40 }, (_, i) => leafOf(`entry ${i}`));

  it('matches the RFC definition on small trees', () => {
    const [a, b, c, d, e] = leaves;
    expect(merkleRoot([a])).toBe(a);
    expect(merkleRoot([a, b])).toBe(node(a, b));
    expect(merkleRoot([a, b, c])).toBe(node(node(a, b), c));
    expect(merkleRoot([a, b, c, d, e])).toBe(node(node(node(a, b), node(c, d)), e));
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
  });

  it('proves every leaf of every size up to 40, and nothing else', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const tree = new MerkleTree(leaves.slice(0, n));
      for (let i = 0; i < n; i++) {
        const path = tree.proof(i);
        expect(rootFromProof(leaves[i], i, n, path)).toBe(tree.root);
        if (n > 1) {
          expect(rootFromProof(leaves[(i + 1) % n], i, n, path)).not.toBe(tree.root); // another leaf
          expect(rootFromProof(leaves[i], (i + 1) % n, n, path)).not.toBe(tree.root); // another position
          expect(rootFromProof(leaves[i], i, n, [...path.slice(1), path[0]].slice(0, path.length))).not.toBe(path.length > 1 ? tree.root : '');
        }
      }
    }
  });

  it('changes root when two leaves swap', () => {
    const swapped = [...leaves];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(merkleRoot(swapped)).not.toBe(merkleRoot(leaves));
  });
});

describe('leaves and commitments', () => {
  const salt = '00112233445566778899aabbccddeeff';
  const committed: Parameters<typeof leafHash>[0] = { ...record, commitment: commitment(salt, record) };

  it('keeps personal evidence out of the leaf and in the commitment', () => {
    expect(splitEvidence(record.evidence)).toEqual({ personal: { ip: '203.0.113.9', text: 'Oui, Zoë' }, public: { noticeVersion: 'v3' } });
    const erased = { ...committed, customerId: 'erased:ab', address: 'erased:cd', evidence: { noticeVersion: 'v3' } };
    expect(leafHash(erased)).toBe(leafHash(committed)); // erasure keeps the leaf
    expect(commitment(salt, erased)).not.toBe(committed.commitment);
  });

  it('changes when any field changes', () => {
    const base = leafHash(committed);
    const changes: Partial<Parameters<typeof leafHash>[0]>[] = [
      { eventId: '8' },
      { channel: 'whatsapp' },
      { channelGroup: 'x' },
      { campaignId: null },
      { action: 'opt_out' },
      { source: 'api' },
      { evidence: { ...record.evidence, noticeVersion: 'v4' } },
      { language: 'en' },
      { jurisdiction: 'DE' },
      { occurredAt: '2026-11-26T10:00:00.000001Z' },
      { recordedAt: '2026-11-26T10:00:01.124000Z' },
      { expiresAt: '2027-01-01T00:00:00.000000Z' },
      { recordedBy: 'admin' },
      { commitment: ZERO_HASH },
    ];
    for (const change of changes) expect(leafHash({ ...committed, ...change })).not.toBe(base);
    for (const change of [{ address: '+14155550101' }, { customerId: 'c-2' }, { evidence: { ...record.evidence, ip: '203.0.113.10' } }]) {
      expect(commitment(salt, { ...record, ...change })).not.toBe(committed.commitment);
    }
    expect(commitment('ff112233445566778899aabbccddeeff', record)).not.toBe(committed.commitment);
  });
});

describe('block chain', () => {
  function chain(n: number): BlockHeader[] {
    const out: BlockHeader[] = [];
    let prev = ZERO_HASH;
    for (let i = 1; i <= n; i++) {
      const header = {
        blockNo: String(i),
        firstSeq: String(i * 10 - 9),
        size: 10,
        firstRecordedAt: 'a',
        lastRecordedAt: 'b',
        merkleRoot: leafOf(String(i)),
        prevHash: prev,
        sealedAt: 's',
      };
      prev = blockHash(header);
      out.push({ ...header, blockHash: prev });
    }
    return out;
  }

  it('accepts an intact chain and names the first block that fails', () => {
    expect(checkChain(chain(5))).toBeNull();
    const altered = chain(5);
    altered[2] = { ...altered[2], merkleRoot: leafOf('x') };
    expect(checkChain(altered)).toEqual({ blockNo: '3', problem: expect.stringContaining('altered') });
    const rehashed = chain(5);
    rehashed[2] = { ...rehashed[2], merkleRoot: leafOf('x') };
    rehashed[2].blockHash = blockHash(rehashed[2]);
    expect(checkChain(rehashed)).toEqual({ blockNo: '4', problem: expect.stringContaining('not bound') });
    const dropped = chain(5);
    dropped.splice(1, 1);
    expect(checkChain(dropped)?.blockNo).toBe('3');
  });
});

describe('ledger tree from stored perfect subtrees', () => {
  const hashes = Array.from({ length: 70 }, (_, i) => leafOf(`block ${i}`));
  const stored = new Map<string, string>();
  const get = (level: number, index: number) => {
    const hash = stored.get(`${level}:${index}`);
    if (!hash) throw new Error(`node ${level}:${index} was never stored`);
    return hash;
  };
  for (const [i, hash] of hashes.entries()) for (const n of nodesToAdd(i, hash, get)) stored.set(`${n.level}:${n.index}`, n.hash);

  it('stores about two nodes per block', () => {
    expect(stored.size).toBeLessThan(2 * hashes.length);
  });

  it('gives the same roots and audit paths as the whole tree, at every size', () => {
    for (let n = 1; n <= hashes.length; n++) {
      const whole = new MerkleTree(hashes.slice(0, n));
      expect(treeHash(0, n, get)).toBe(whole.root);
      for (let m = 0; m < n; m++) {
        expect(treePath(m, n, get)).toEqual(whole.proof(m));
        const needed = nodesRead((g) => treePath(m, n, g));
        expect(needed.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 1)) ** 2 + 1);
      }
    }
  });
});
