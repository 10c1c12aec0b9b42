import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { ExportProof, ExportRow, rowFromFields } from '../src/audit/export-format';
import { ExportVerifier, ExportVerdict } from '../src/audit/export-verifier';
import { US } from '../src/ledger/ledger.repository';
import { auditVerifyCli } from './support/audit-cli';
import { expectProblem, snapshotCounts, TestApp } from './support/test-app';

const seal = (t: TestApp) => t.seal();
const verify = async (t: TestApp, query = '') => {
  const res = await t.get(`/v1/audit/verify${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const tamper = (t: TestApp, sql: string, params: unknown[] = []) => t.asInsider(sql, params);

function parseNdjson(text: string): { rows: ExportRow[]; proof: ExportProof } {
  const lines = text.split('\n').filter((l) => l !== '');
  const last = JSON.parse(lines.pop()!) as { proof: ExportProof };
  return { rows: lines.map((l) => rowFromFields(JSON.parse(l))), proof: last.proof };
}

function check(rows: ExportRow[], proof: ExportProof): ExportVerdict {
  const verifier = new ExportVerifier(proof);
  for (const row of rows) if (!verifier.add(row)) break;
  return verifier.finish();
}

async function campaign(t: TestApp, id: string, purpose = 'marketing') {
  expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels: ['sms', 'email'] })).status).toBe(201);
}

describe('tamper-evident ledger', () => {
  let t: TestApp;
  let optOut: string;
  let optIns: string[];
  beforeEach(async () => {
    t = await TestApp.start();
    await campaign(t, 'promo');
    optIns = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.post('/v1/consents', {
        customerId: `cust-${i}`,
        address: `+1415555${String(1000 + i)}`,
        channel: 'sms',
        campaignId: 'promo',
        action: 'opt_in',
        source: 'web_form',
        evidence: { ip: '203.0.113.7', noticeVersion: 'v2', text: `Oui, client ${i}` },
      });
      expect(res.status).toBe(201);
      optIns.push(res.body.event.id);
    }
    const res = await t.post('/v1/consents', { address: '+14155551003', channel: 'sms', action: 'opt_out', source: 'keyword' });
    optOut = res.body.event.id;
    await t.post('/v1/api-keys', { name: 'reader', scopes: ['audit:read'] });
    await seal(t);
  });
  afterEach(() => t.close());

  it('seals every event shortly after its write: the ledger verifies, nothing escapes, and the head only grows', async () => {
    const before = await t.get('/v1/audit/head');
    // 13 consent events, the campaign's creation and the API key's.
    expect(before.body).toMatchObject({ treeSize: '15', blocks: 1, pending: 0, ledgerRoot: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verify(t)).toMatchObject({ ok: true, events: 15, blocks: 1, head: { treeSize: '15', ledgerRoot: before.body.ledgerRoot } });

    // A write is queued in its own transaction and waits for nothing; the next seal takes it.
    await t.post('/v1/consents', { customerId: 'cust-0', channel: 'sms', action: 'opt_out', source: 'api' });
    expect((await t.get('/v1/audit/head')).body).toMatchObject({ treeSize: '15', pending: 2 }); // the event and the verify call's own record
    await seal(t);
    const after = (await t.get('/v1/audit/head')).body;
    expect(after).toMatchObject({ treeSize: '17', blocks: 2, pending: 0 });
    const { rows } = await t.sql.query(
      `select count(*)::int as n from consent_event e where not exists (select 1 from ledger_leaf l where l.stream = 'consent' and l.event_id = e.id)`,
    );
    expect(rows[0].n).toBe(0);

    // The head written down earlier is still in the ledger: it only grew.
    expect(await verify(t, `?knownBlocks=1&knownRoot=${before.body.ledgerRoot}`)).toMatchObject({ ok: true });
    const other = await verify(t, `?knownBlocks=1&knownRoot=${'ab'.repeat(32)}`);
    expect(other).toMatchObject({ ok: false, failure: { problem: expect.stringContaining('does not extend the head you hold') } });
    expectProblem(await t.get('/v1/audit/verify?knownRoot=xyz'), 400, 'knownRoot');
  });

  it('seals concurrent writes from two replicas sealing at once: each event exactly once, in chained blocks', async () => {
    const other = await TestApp.attach(t);
    try {
      const writes = Array.from({ length: 120 }, (_, i) =>
        (i % 2 ? t : other).post('/v1/consents', {
          address: `+1415555${String(2000 + i)}`,
          channel: 'sms',
          action: i % 3 ? 'opt_in' : 'opt_out',
          source: 'api',
        }),
      );
      const seals = Array.from({ length: 12 }, (_, i) => (i % 2 ? t : other).post('/v1/admin/jobs/seal/run'));
      const results = await Promise.all([...writes, ...seals]);
      expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
      await seal(t);
      const { rows } = await t.sql
        .query(`select (select count(*)::int from consent_event) as events, (select count(*)::int from ledger_leaf where stream = 'consent') as leaves,
        (select count(*)::int from seal_queue) as queued, (select max(seq)::int from ledger_leaf) as top, (select count(*)::int from ledger_leaf) as all_leaves`);
      expect(rows[0]).toEqual({ events: 133, leaves: 133, queued: 0, top: rows[0].all_leaves, all_leaves: rows[0].all_leaves });
      expect(await verify(other)).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  });

  it('records API key changes, verifications and reads in the ledger too', async () => {
    const { rows } = await t.sql.query(`select type, actor from system_event order by id`);
    expect(rows).toEqual([
      { type: 'campaign.created', actor: 'admin' },
      { type: 'api_key.created', actor: 'admin' },
    ]);
    await verify(t);
    await t.get('/v1/audit/events?limit=5');
    await t.get('/v1/customers/cust-1/history');
    const types = (await t.sql.query(`select type, subject from system_event order by id`)).rows;
    expect(types.map((r) => r.type)).toEqual(['campaign.created', 'api_key.created', 'audit.verified', 'audit.read', 'history.read']);
    expect(JSON.stringify(types)).not.toContain('cust-1'); // named by a keyed hash
  });

  it('is append-only in the database, except the pseudonymisation an erasure performs', async () => {
    for (const sql of [
      `update consent_event set action = 'opt_in' where id = ${optOut}`,
      `delete from consent_event where id = ${optOut}`,
      'truncate consent_event cascade',
      `update system_event set actor = 'x'`,
      'delete from system_event',
      `update ledger_block set merkle_root = merkle_root`,
      'delete from ledger_node',
      `update ledger_leaf set salt = null`,
      'delete from ledger_leaf',
    ]) {
      await expect(t.sql.query(sql)).rejects.toThrow(/append-only/);
    }
    // Even inside an erasure, only personal fields may change, and only into pseudonyms.
    await t.sql.query('begin');
    await t.sql.query(`select set_config('consent.erasure', 'on', true)`);
    await expect(t.sql.query(`update consent_event set action = 'opt_in' where id = ${optOut}`)).rejects.toThrow(/append-only/);
    await t.sql.query('rollback');
    await t.sql.query('begin');
    await t.sql.query(`select set_config('consent.erasure', 'on', true)`);
    await expect(t.sql.query(`update consent_event set address = '+14155550000' where id = ${optOut}`)).rejects.toThrow(/append-only/);
    await t.sql.query('rollback');
    expect(await verify(t)).toMatchObject({ ok: true });
  });

  it.each([
    ['an edited field', (id: string) => `update consent_event set action = 'opt_in' where id = ${id}`, /recorded fields were altered/],
    [
      'an edited timestamp',
      (id: string) => `update consent_event set occurred_at = occurred_at - interval '1 day' where id = ${id}`,
      /recorded fields were altered/,
    ],
    ['an edited address', (id: string) => `update consent_event set address = '+14155559999' where id = ${id}`, /personal fields .* were altered/],
    [
      'an edited evidence IP',
      (id: string) => `update consent_event set evidence = jsonb_set(evidence, '{ip}', '"198.51.100.1"') where id = ${id}`,
      /personal fields/,
    ],
    ['a deleted row', (id: string) => `delete from consent_event where id = ${id}`, /was deleted/],
  ])('catches %s and names the event', async (_name, sql, problem) => {
    await tamper(t, sql(optOut));
    const result = await verify(t);
    expect(result).toMatchObject({ ok: false, failure: { stream: 'consent', eventId: optOut, problem: expect.stringMatching(problem) } });
    expect(result.failure.seq).toMatch(/^\d+$/);
  });

  it('catches two rows swapped, naming the first', async () => {
    const [a, b] = [optIns[2], optIns[5]];
    await tamper(
      t,
      `update consent_event x set customer_id = y.customer_id, address = y.address, evidence = y.evidence
                       from consent_event y where (x.id, y.id) in ((${a}, ${b}), (${b}, ${a}))`,
    );
    const result = await verify(t);
    expect(result).toMatchObject({ ok: false, failure: { eventId: a, problem: expect.stringContaining('personal fields') } });
  });

  it('catches entries reordered inside a block, naming the block', async () => {
    await tamper(
      t,
      `update ledger_leaf set seq = -1 where seq = 3; update ledger_leaf set seq = 3 where seq = 4; update ledger_leaf set seq = 4 where seq = -1`,
    );
    expect(await verify(t)).toMatchObject({ ok: false, failure: { blockNo: '1', problem: expect.stringContaining('reordered') } });
  });

  it("catches an event inserted behind the ledger's back", async () => {
    await tamper(
      t,
      `insert into consent_event (customer_id, channel, channel_group, address, action, source, occurred_at, recorded_by)
                     values ('cust-1', 'sms', 'phone', '+14155551001', 'opt_in', 'api', now(), 'api_key:forged')`,
    );
    const { rows } = await t.sql.query(`select max(id)::text as id from consent_event`);
    expect(await verify(t)).toMatchObject({ ok: false, failure: { stream: 'consent', eventId: rows[0].id, problem: expect.stringContaining('never sealed') } });
  });

  it('catches an altered block header and an altered ledger tree', async () => {
    await tamper(t, `update ledger_block set sealed_at = sealed_at + interval '1 second' where block_no = 1`);
    expect(await verify(t)).toMatchObject({ ok: false, failure: { blockNo: '1', problem: expect.stringContaining('altered') } });
    await tamper(t, `update ledger_block set sealed_at = sealed_at - interval '1 second' where block_no = 1`);
    expect(await verify(t)).toMatchObject({ ok: true });
    await tamper(t, `update ledger_node set hash = repeat('0', 64) where level = 0 and idx = 0`);
    expect(await verify(t)).toMatchObject({ ok: false, failure: { problem: expect.stringContaining('ledger tree') } });
  });

  it('catches a deleted leaf', async () => {
    await tamper(t, `delete from ledger_leaf where seq = 5`);
    expect(await verify(t)).toMatchObject({ ok: false, failure: { blockNo: '1', seq: '5', problem: expect.stringContaining('missing') } });
  });

  it('verifies a range of blocks, and the chain from the first block whatever the range', async () => {
    await t.post('/v1/consents', { customerId: 'cust-3', channel: 'sms', action: 'opt_out', source: 'api' });
    await seal(t);
    expect(await verify(t, '?fromBlock=2')).toMatchObject({ ok: true, blocks: 1 });
    await tamper(t, `update consent_event set action = 'opt_in' where id = ${optOut}`);
    expect(await verify(t, '?fromBlock=2')).toMatchObject({ ok: true }); // block 1's entries were not recomputed
    expect(await verify(t, '?toBlock=1')).toMatchObject({ ok: false, failure: { eventId: optOut } });
  });
});

describe('audit export', () => {
  let t: TestApp;
  const N = 100_000;
  const EVIDENCE = [
    { text: 'Oui, je veux bien — "merci"\nligne 2, Zoë 😀', ip: '203.0.113.9', noticeVersion: 'v,1' },
    { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) "quoted", commas', pageUrl: 'https://shop.example/fr/inscription?a=1&b=2' },
    { noticeTextHash: 'ab'.repeat(32), text: '  leading and trailing spaces  ' },
    { text: 'CR\r\nLF and tab\tand backslash \\ and null-ish "null"', agentId: 'agent,7' },
    {},
  ];
  beforeAll(async () => {
    t = await TestApp.start();
    await campaign(t, 'promo');
    await t
      .post('/v1/consents', {
        customerId: 'célia',
        address: '+33612345678',
        channel: 'sms',
        campaignId: 'promo',
        action: 'opt_in',
        source: 'web_form',
        evidence: EVIDENCE[0],
      })
      .then((r) => expect(r.status).toBe(400)); // ids are ASCII: a 400 naming customerId
    await t.sql.query(
      `insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence, language, jurisdiction, occurred_at, recorded_by)
       select 'cust-' || (i % 997), case when i % 3 = 0 then 'email' else 'sms' end, case when i % 3 = 0 then 'email' else 'phone' end,
              case when i % 3 = 0 then 'user' || i || '@example.com' else '+1415' || lpad(i::text, 7, '0') end,
              case when i % 2 = 0 then 'promo' end, case when i % 4 = 0 then 'opt_out' else 'opt_in' end,
              (array['web_form', 'api', 'keyword', 'import'])[1 + i % 4], ($1::jsonb)->(i % 5), case when i % 7 = 0 then 'fr-CA' end,
              case when i % 11 = 0 then 'FR' end, now() - (i || ' seconds')::interval, 'api_key:bulk'
         from generate_series(1, ${N}) i`,
      [JSON.stringify(EVIDENCE)],
    );
    expect((await seal(t)).events).toBe(N + 1); // and the campaign's creation
  }, 120_000);
  afterAll(() => t.close());

  const stored = async () => {
    const { rows } = await t.sql.query(
      `select id::text as "eventId", customer_id as "customerId", address, channel, channel_group as "channelGroup", campaign_id as "campaignId", action, source, evidence,
              language, jurisdiction, ${US('occurred_at')} as "occurredAt", ${US('recorded_at')} as "recordedAt", ${US('expires_at')} as "expiresAt", recorded_by as "recordedBy"
         from consent_event`,
    );
    return new Map(rows.map((r) => [r.eventId as string, r]));
  };
  const FIELDS = [
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
  ] as const;

  function expectRoundTrip(rows: ExportRow[], db: Map<string, Record<string, unknown>>) {
    const consent = rows.filter((r) => r.stream === 'consent');
    expect(consent.length).toBe(db.size);
    for (const r of consent) {
      const want = db.get(r.eventId)!;
      for (const f of FIELDS)
        if (JSON.stringify(r[f]) !== JSON.stringify(want[f])) throw new Error(`event ${r.eventId} ${f}: ${JSON.stringify(r[f])} != ${JSON.stringify(want[f])}`);
    }
  }

  it('streams 100,000 events as NDJSON that round-trip every field and verify offline as complete', async () => {
    const res = await t.get('/v1/audit/export?format=ndjson');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const { rows, proof } = parseNdjson(res.text);
    expect(proof).toMatchObject({ mode: 'blocks', rows: rows.length, head: { blocks: 21 } }); // 100,001 entries, 5,000 a block
    expectRoundTrip(rows, await stored());
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1)); // oldest first, every position
    expect(check(rows, proof)).toMatchObject({ ok: true, complete: true, rows: rows.length, blocks: 21 });
    // The head in the file is the one the service publishes.
    const head = (await t.get('/v1/audit/head')).body;
    expect(proof.head).toEqual({ blocks: head.blocks, ledgerRoot: head.ledgerRoot });

    // Any change to the file is caught, and where.
    const edited = rows.map((r) => ({ ...r }));
    edited[500] = { ...edited[500], evidence: { ...edited[500].evidence, noticeVersion: 'v9' } };
    expect(check(edited, proof)).toMatchObject({ ok: false, failure: { seq: rows[500].seq, line: 501 } });
    expect(check([...rows.slice(0, 70), ...rows.slice(71)], proof)).toMatchObject({ ok: false, failure: { problem: expect.stringContaining('missing') } });
    const swapped = [...rows];
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    expect(check(swapped, proof).ok).toBe(false);
    expect(check(rows.slice(0, 5000), proof)).toMatchObject({ ok: false, failure: { problem: expect.stringContaining('rows were removed') } });
    const forged = { ...proof, head: { ...proof.head, ledgerRoot: '00'.repeat(32) } };
    expect(check(rows, forged)).toMatchObject({ ok: false, failure: { problem: expect.stringContaining('not in the ledger') } });
  }, 120_000);

  it('streams the same as CSV that a real CSV parser reads back, with its proof at the Link URL', async () => {
    const res = await t.get('/v1/audit/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const records = parseCsv<Record<string, string>>(res.text, { columns: true, relax_quotes: false, skip_empty_lines: true });
    const rows = records.map(rowFromFields);
    expectRoundTrip(rows, await stored());
    const link = String(res.headers.link).match(/^<([^>]+)>; rel="proof"$/)![1];
    const proof = (await t.get(link)).body as ExportProof;
    expect(check(rows, proof)).toMatchObject({ ok: true, complete: true });
    // Recorded: who exported, when, which filter.
    const { rows: recorded } = await t.sql.query(`select actor, details from system_event where type = 'audit.exported' and subject = $1`, [
      `export:${String(res.headers['x-export-id'])}`,
    ]);
    expect(recorded).toEqual([{ actor: 'admin', details: { format: 'csv', mode: 'blocks', filter: { format: 'csv' } } }]);
  }, 120_000);

  it("exports a customer's history with per-row proofs, and never records the raw filter", async () => {
    const res = await t.get('/v1/audit/export?customerId=cust-42');
    const { rows, proof } = parseNdjson(res.text);
    const { rows: want } = await t.sql.query(`select id::text from consent_event where customer_id = 'cust-42' order by id`);
    expect(rows.map((r) => r.eventId).sort()).toEqual(want.map((r) => r.id).sort());
    expect(rows.every((r) => r.proof && r.proof.length > 0)).toBe(true);
    expect(check(rows, proof)).toMatchObject({ ok: true, complete: false, rows: want.length });
    const bent = rows.map((r, i) => (i === 3 ? { ...r, proof: [...r.proof!].reverse() } : r));
    expect(check(bent, proof)).toMatchObject({ ok: false, failure: { seq: rows[3].seq } });
    const { rows: recorded } = await t.sql.query(
      `select details::text as d from system_event where type = 'audit.exported' and details->'filter' ? 'customerId'`,
    );
    expect(recorded.length).toBeGreaterThan(0);
    for (const r of recorded) expect(r.d).not.toContain('cust-42');
  });

  it('exports a time range as whole blocks and filters by channel, campaign and type', async () => {
    // Before the first entry (the campaign's creation), nothing.
    const {
      rows: [mid],
    } = await t.sql.query(`select ${US('recorded_at')} as at from system_event order by id limit 1`);
    const range = parseNdjson((await t.get(`/v1/audit/export?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(mid.at)}`)).text);
    expect(range.rows.length).toBe(0);
    const all = parseNdjson((await t.get(`/v1/audit/export?from=2000-01-01T00:00:00Z`)).text);
    expect(check(all.rows, all.proof)).toMatchObject({ ok: true, complete: true });
    const typed = parseNdjson((await t.get('/v1/audit/export?channel=email&campaignId=promo&types=opt_out')).text);
    expect(typed.rows.length).toBeGreaterThan(0);
    expect(typed.rows.every((r) => r.channel === 'email' && r.campaignId === 'promo' && r.action === 'opt_out')).toBe(true);
    expect(check(typed.rows, typed.proof)).toMatchObject({ ok: true });
  }, 60_000);

  it('verifies export files offline and the database from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const ndjson = await t.get('/v1/audit/export?campaignId=promo&types=opt_out');
    writeFileSync(join(dir, 'x.ndjson'), ndjson.text);
    const head = parseNdjson(ndjson.text).proof.head;
    const good = await auditVerifyCli(['--file', join(dir, 'x.ndjson'), '--head-blocks', String(head.blocks), '--head-root', head.ledgerRoot]);
    expect(good).toMatchObject({ code: 0, out: { ok: true, publishedHead: 'matches' } });
    writeFileSync(join(dir, 'bad.ndjson'), ndjson.text.replace('"opt_out"', '"opt_in"'));
    expect(await auditVerifyCli(['--file', join(dir, 'bad.ndjson')])).toMatchObject({ code: 1, out: { ok: false, failure: { line: 1 } } });

    const csv = await t.get('/v1/audit/export?format=csv&from=2000-01-01T00:00:00Z');
    writeFileSync(join(dir, 'x.csv'), csv.text);
    writeFileSync(join(dir, 'proof.json'), JSON.stringify((await t.get(String(csv.headers.link).slice(1).split('>')[0])).body));
    expect(await auditVerifyCli(['--file', join(dir, 'x.csv'), '--proof', join(dir, 'proof.json')])).toMatchObject({
      code: 0,
      out: { ok: true, complete: true },
    });
    expect((await auditVerifyCli(['--file', join(dir, 'x.csv')])).code).toBe(2);

    const db = await auditVerifyCli([], { DATABASE_URL: t.config.databaseUrl! });
    expect(db).toMatchObject({ code: 0, out: { ok: true } });
    const {
      rows: [first],
    } = await t.sql.query(`select id, source from consent_event order by id limit 1`);
    await tamper(t, `update consent_event set source = 'verbal' where id = $1`, [first.id]);
    const tampered = await auditVerifyCli([], { DATABASE_URL: t.config.databaseUrl! });
    expect(tampered).toMatchObject({ code: 1, out: { ok: false, failure: { problem: expect.stringContaining('altered') } } });
    await tamper(t, `update consent_event set source = $2 where id = $1`, [first.id, first.source]); // put back for the other tests
    expect((await auditVerifyCli([], { DATABASE_URL: t.config.databaseUrl! })).code).toBe(0);
  }, 120_000);

  it('pages the same entries with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.get(`/v1/audit/events?customerId=cust-7&limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: ExportRow) => r.eventId));
      cursor = res.body.nextCursor;
    } while (cursor);
    const { rows } = await t.sql.query(`select id::text from consent_event where customer_id = 'cust-7'`);
    expect(seen.sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('rejects bad filters with 400 naming the field, writing nothing', async () => {
    const before = await snapshotCounts(t);
    for (const [query, field] of [
      ['format=xml', 'format'],
      ['from=yesterday', 'from'],
      ['types=opt_in,nope', 'types'],
      ['channel=fax', 'channel'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['address=not-a-number', 'address'],
      ['headBlocks=999', 'headBlocks'],
    ]) {
      expectProblem(await t.get(`/v1/audit/export?${query}`), 400, field);
    }
    expectProblem(await t.get('/v1/audit/exports/00000000-0000-4000-8000-000000000000/proof'), 404);
    expect(await snapshotCounts(t)).toEqual(before);
  });
});

describe('erasure', () => {
  let t: TestApp;
  const PHONE = '+33612345678';
  const EMAIL = 'jeanne.dupont@example.fr';
  const NAME = 'Jeanne Dupont';
  const ID = 'jeanne-dupont-42';
  beforeAll(async () => {
    t = await TestApp.start();
    await campaign(t, 'promo');
    await campaign(t, 'orders', 'transactional');
    expect(
      (
        await t.put(`/v1/customers/${ID}`, {
          contactPoints: [
            { channel: 'sms', address: PHONE },
            { channel: 'email', address: EMAIL },
          ],
          timezone: 'Europe/Paris',
        })
      ).status,
    ).toBe(201);
    for (const [channel, address] of [
      ['sms', PHONE],
      ['email', EMAIL],
    ]) {
      expect(
        (
          await t.post(
            '/v1/consents',
            {
              customerId: ID,
              address,
              channel,
              campaignId: 'promo',
              action: 'opt_in',
              source: 'web_form',
              evidence: { ip: '203.0.113.5', userAgent: 'Firefox', text: `Oui — ${NAME}`, noticeVersion: 'v7' },
            },
            { headers: { 'idempotency-key': `k-${channel}` } },
          )
        ).status,
      ).toBe(201);
    }
    expect((await t.post('/v1/inbound/messages', { channel: 'sms', from: PHONE, to: '12345', body: `STOP ${NAME}`, messageId: 'SM1' })).status).toBe(200);
    expect((await t.put(`/v1/customers/${ID}/preferences`, { quietHours: { start: '21:00', end: '08:00' } })).status).toBe(200);
    expect(
      (await t.post('/v1/sends', { customerId: ID, channel: 'email', campaignId: 'promo', messageId: 'msg-1', sentAt: new Date().toISOString() })).status,
    ).toBe(201);
    await t.get(`/v1/customers/${ID}/history`);
    await t.get(`/v1/audit/export?customerId=${ID}&address=${encodeURIComponent(PHONE)}`);
    // An import that committed a chunk, then stopped on a line holding the number (a stray quote)...
    const rows = Array.from({ length: 5001 }, (_, i) => `+3361${String(1_000_000 + i)},2026-01-01`).join('\n');
    const stopped = await t.post('/v1/imports', `phone_number,date\n${rows}\n${PHONE} "x",2026-01-01\n`, { headers: { 'content-type': 'text/csv' } });
    expect(stopped.status).toBe(422);
    // ...and one recorded before parser messages were stripped of values: erasure must clear both.
    await t.sql.query(
      `insert into consent_import (id, principal, format, options, status, prefix_hash, error)
       values ('00000000-0000-4000-8000-00000000e1a5', 'admin', 'csv', '{}', 'failed', repeat('0', 64), $1)`,
      [{ line: 3, message: `Invalid Opening Quote: a quote is found on field 0 at line 3, value is "${PHONE}"` }],
    );
    await t.sql.query(
      `insert into consent_import_rejection (import_id, line, field, reason) values ('00000000-0000-4000-8000-00000000e1a5', 2, 'address', $1)`,
      [`${EMAIL} is not allowed`],
    );
    await seal(t);
    expect(await verify(t)).toMatchObject({ ok: true });
  });
  afterAll(() => t.close());

  const decide = async (campaignId: string, body: Record<string, unknown> = { address: PHONE }) =>
    (await t.post('/v1/decisions', { channel: 'sms', campaignId, ...body })).body;

  it('removes every trace of the person, keeps the ledger verifying and keeps denying', async () => {
    const res = await t.post(`/v1/customers/${ID}/erasure`, { reason: 'ticket GDPR-17' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pseudonym: expect.stringMatching(/^erased:[0-9a-f]{64}$/), events: expect.any(Number), suppressed: 2 });
    expect(res.body.events).toBeGreaterThanOrEqual(5);

    // No table holds the number, the email, the name or the id any more.
    const { rows: tables } = await t.sql.query(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const { name } of tables) {
      for (const needle of [PHONE, PHONE.slice(1), '612345678', EMAIL, NAME, ID, '203.0.113.5']) {
        const { rows } = await t.sql.query(`select count(*)::int as n from "${name}" x where x::text ilike $1`, [`%${needle}%`]);
        if (rows[0].n) throw new Error(`${name} still holds ${needle}`);
      }
    }
    await seal(t);
    expect(await verify(t)).toMatchObject({ ok: true });
    const erased = (await t.sql.query(`select subject, details from system_event where type = 'customer.erased'`)).rows;
    expect(erased).toEqual([{ subject: res.body.pseudonym, details: expect.objectContaining({ reason: 'ticket GDPR-17', suppressed: 2 }) }]);

    // An export of everything: no personal data, and it still verifies offline.
    const exported = await t.get('/v1/audit/export');
    for (const needle of [PHONE, EMAIL, NAME, ID]) expect(exported.text).not.toContain(needle);
    const { rows, proof } = parseNdjson(exported.text);
    expect(check(rows, proof)).toMatchObject({ ok: true, complete: true });
    expect(rows.filter((r) => r.customerId === res.body.pseudonym).every((r) => r.salt === null && r.commitment)).toBe(true);

    // Decisions keep denying, on every purpose and in batches.
    expect(await decide('promo')).toMatchObject({ allowed: false, reason: 'suppressed' });
    expect(await decide('orders')).toMatchObject({ allowed: false, reason: 'suppressed' });
    const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'orders', recipients: [{ address: PHONE }, { address: '+33699999999' }] });
    expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['suppressed', 'no_objection']);
    // Single decisions asked together are read together, suppressions included.
    const together = await Promise.all([PHONE, '+33699999999', '+33699999998', PHONE].map((address) => decide('orders', { address })));
    expect(together.map((d: { reason: string }) => d.reason)).toEqual(['suppressed', 'no_objection', 'no_objection', 'suppressed']);
    expect((await t.post('/v1/decisions', { channel: 'email', campaignId: 'orders', address: EMAIL })).body).toMatchObject({
      allowed: false,
      reason: 'suppressed',
    });
    expectProblem(await t.post(`/v1/customers/${ID}/erasure`, {}), 404);
  });

  it('erases events not sealed yet, which then seal and verify', async () => {
    expect(
      (
        await t.post('/v1/consents', {
          customerId: 'quick',
          address: '+33698765432',
          channel: 'sms',
          action: 'opt_out',
          source: 'keyword',
          evidence: { text: 'STOP' },
        })
      ).status,
    ).toBe(201);
    expect((await t.get('/v1/audit/head')).body.pending).toBeGreaterThan(0);
    expect((await t.post('/v1/customers/quick/erasure')).status).toBe(201);
    await seal(t);
    expect(await verify(t)).toMatchObject({ ok: true });
    expect((await t.sql.query(`select count(*)::int as n from consent_event where address = '+33698765432' or customer_id = 'quick'`)).rows[0].n).toBe(0);
    expect(await decide('orders', { address: '+33698765432' })).toMatchObject({ allowed: false, reason: 'suppressed' });
  });

  it('refuses imports and back-dated opt-ins for a suppressed address, and lets a new explicit opt-in through', async () => {
    const before = await snapshotCounts(t);
    const imported = await t.post('/v1/consents', { address: PHONE, channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'import' });
    expectProblem(imported, 409, 'source');
    expect(imported.body.code).toBe('CONSENT.SUPPRESSED');
    expectProblem(
      await t.post('/v1/consents', {
        address: PHONE,
        channel: 'sms',
        campaignId: 'promo',
        action: 'opt_in',
        source: 'web_form',
        occurredAt: '2026-01-01T00:00:00Z',
      }),
      409,
      'occurredAt',
    );
    expect(await snapshotCounts(t)).toEqual(before);

    // A new customer given the number is suppressed too, by customer id.
    expect((await t.put('/v1/customers/new-owner', { contactPoints: [{ channel: 'sms', address: PHONE }] })).status).toBe(201);
    expect(await decide('orders', { customerId: 'new-owner' })).toMatchObject({ allowed: false, reason: 'suppressed' });
    const batch = await t.post('/v1/decisions/batch', {
      channel: 'sms',
      campaignId: 'orders',
      recipients: [{ customerId: 'new-owner' }, { customerId: 'someone-else' }],
    });
    expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['suppressed', 'no_objection']);

    expect(
      (
        await t.post('/v1/consents', {
          address: PHONE,
          channel: 'sms',
          campaignId: 'promo',
          action: 'opt_in',
          source: 'web_form',
          evidence: { noticeVersion: 'v8' },
        })
      ).status,
    ).toBe(201);
    expect(await decide('promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
    expect(await decide('orders')).toMatchObject({ allowed: false, reason: 'suppressed' }); // the opt-in covers promo only
  });
});
