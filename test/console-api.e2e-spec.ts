/**
 * What the staff console reads, through the public API: the key's own scopes, a person's
 * lookup, newest-first ledger pages, an entry's proof and receipt, and the overview.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyReceipt } from '../src/audit/receipt';
import { verifyReceiptFile } from '../src/bin/audit-verify';
import { verifyEntryProof } from '../src/ledger/entry-proof';
import { expectProblem, TestApp } from './support/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of any shape, asserted on
type Row = Record<string, any>;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const seal = (t: TestApp) => t.seal();

describe("the staff console's API", () => {
  let t: TestApp;
  let auditKey: string;
  beforeAll(async () => {
    t = await TestApp.start({ BRAND_NAME: 'ACME', DEFAULT_PHONE_REGION: 'US' });
    auditKey = (await t.post('/v1/api-keys', { name: 'compliance desk', scopes: ['audit:read'] })).body.secret;
    await t.put('/v1/campaigns/weekly', {
      name: 'Weekly deals',
      purpose: 'marketing',
      channels: ['sms', 'email'],
      reconfirmEvery: 'P180D',
      reconfirmGrace: 'P14D',
    });
    await t.put('/v1/campaigns/alerts', { name: 'Fraud alerts', purpose: 'transactional', channels: ['sms'] });
    await t.put('/v1/customers/cus-1', {
      contactPoints: [
        { channel: 'sms', address: '+14155550111' },
        { channel: 'email', address: 'Ann@Example.com' },
      ],
    });
    await t.post('/v1/consents', {
      customerId: 'cus-1',
      channel: 'sms',
      campaignId: 'weekly',
      action: 'opt_in',
      source: 'web_form',
      occurredAt: '2026-11-01T10:00:00Z',
      evidence: { noticeVersion: 'v7', pageUrl: 'https://acme.example/join', ip: '203.0.113.9' },
    });
    await t.post('/v1/consents', { customerId: 'cus-1', channel: 'email', campaignId: 'weekly', action: 'opt_out', source: 'api' });
    await seal(t);
  });
  afterAll(() => t.close());

  const asStaff = { key: undefined as string | undefined };
  beforeAll(() => (asStaff.key = auditKey));
  const entries = async (query: string) => (await t.get(`/v1/audit/events?${query}`, asStaff)).body.items as Row[];

  describe('GET /v1/api-keys/current', () => {
    it('tells any valid key its own name and scopes, and nothing to a request without one', async () => {
      expect((await t.get('/v1/api-keys/current', asStaff)).body).toEqual({ id: expect.any(String), name: 'compliance desk', scopes: ['audit:read'] });
      expect((await t.get('/v1/api-keys/current')).body).toMatchObject({ id: 'admin', scopes: expect.arrayContaining(['admin', 'audit:read']) });
      expectProblem(await t.get('/v1/api-keys/current', { key: null }), 401);
    });
  });

  describe('GET /v1/audit/people', () => {
    it('finds a customer by id, by phone number in any common format, and by email, with where consent stands', async () => {
      for (const q of ['cus-1', '(415) 555-0111', '+1 415 555 0111', '415.555.0111', 'ann@example.com', ' ANN@example.COM ']) {
        const res = await t.get(`/v1/audit/people?q=${encodeURIComponent(q)}`, asStaff);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ customerId: 'cus-1', erased: false, history: { customerId: 'cus-1' } });
      }
      const person = (await t.get('/v1/audit/people?q=cus-1', asStaff)).body;
      expect(person.matchedAs).toBe('customer');
      const row = (campaignId: string, channel: string) => person.consent.find((r: Row) => r.campaignId === campaignId && r.channel === channel);
      expect(row('weekly', 'sms')).toMatchObject({
        campaignName: 'Weekly deals',
        outcome: 'allow',
        reason: 'opted_in',
        basisAction: 'opt_in',
        since: '2026-11-01T10:00:00.000Z',
        reconfirmBy: '2027-04-30T10:00:00.000Z',
        lapsesAt: '2027-05-14T10:00:00.000Z',
        expiresAt: null,
      });
      expect(row('weekly', 'email')).toMatchObject({ outcome: 'deny', reason: 'opted_out', reconfirmBy: null });
      expect(row('alerts', 'sms')).toMatchObject({ purpose: 'transactional', outcome: 'allow', reason: 'no_objection' });
    });

    it('finds a number known only from its events, by its contact point', async () => {
      await t.post('/v1/consents', { address: '+14155550199', channel: 'sms', campaignId: 'weekly', action: 'opt_out', source: 'keyword' });
      const person = (await t.get('/v1/audit/people?q=4155550199', asStaff)).body;
      expect(person).toMatchObject({ matchedAs: 'phone', customerId: null, history: { address: '+14155550199', channel: 'sms' } });
      expect(person.consent.find((r: Row) => r.campaignId === 'weekly' && r.channel === 'sms')).toMatchObject({ reason: 'opted_out' });
    });

    it('answers 404 for nobody, 400 naming q for nothing, and 403 without audit:read', async () => {
      expectProblem(await t.get('/v1/audit/people?q=nobody-here', asStaff), 404);
      expectProblem(await t.get('/v1/audit/people?q=%2B1%20415%20555%200000', asStaff), 404);
      expectProblem(await t.get('/v1/audit/people', asStaff), 400, 'q');
      const reader = (await t.post('/v1/api-keys', { name: 'reader', scopes: ['consents:read'] })).body.secret;
      expectProblem(await t.get('/v1/audit/people?q=cus-1', { key: reader }), 403);
    });

    it('records the lookup in the ledger, naming the person by keyed hash only', async () => {
      await t.get('/v1/audit/people?q=ann%40example.com', asStaff);
      const { rows } = await t.sql.query(`select details from system_event where type = 'audit.read' order by id desc limit 1`);
      expect(rows[0].details).toEqual({ person: expect.stringMatching(/^hmac:/), matchedAs: 'email' });
      expect(JSON.stringify(rows[0].details)).not.toMatch(/ann|cus-1/i);
    });

    it('shows an erased customer as erased, by id or by a number they had', async () => {
      await t.put('/v1/customers/cus-gone', { contactPoints: [{ channel: 'sms', address: '+14155550122' }] });
      await t.post('/v1/consents', { customerId: 'cus-gone', channel: 'sms', campaignId: 'weekly', action: 'opt_in', source: 'api' });
      expect((await t.post('/v1/customers/cus-gone/erasure', { reason: 'ticket 9' })).status).toBe(201);
      for (const q of ['cus-gone', '+14155550122']) {
        const person = (await t.get(`/v1/audit/people?q=${encodeURIComponent(q)}`, asStaff)).body;
        expect(person).toMatchObject({ erased: true, erasedAt: expect.any(String), customerId: null, contactPoints: [], consent: [], history: {} });
      }
    });
  });

  describe('GET /v1/audit/events?order=desc', () => {
    it('pages newest first through the same entries as oldest first', async () => {
      for (let i = 0; i < 7; i++)
        await t.post('/v1/consents', { customerId: 'cus-pages', channel: 'sms', action: i % 2 ? 'opt_out' : 'opt_in', source: 'api' });
      await seal(t);
      const ascending = (await entries('customerId=cus-pages&limit=100')).map((e) => e.seq);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { seq: string }[]; nextCursor: string | null } = (
          await t.get(`/v1/audit/events?customerId=cus-pages&order=desc&limit=3${cursor ? `&cursor=${cursor}` : ''}`, asStaff)
        ).body;
        seen.push(...page.items.map((e) => e.seq));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ascending).toHaveLength(7);
      expect(seen).toEqual([...ascending].reverse());
      expectProblem(await t.get('/v1/audit/events?order=sideways', asStaff), 400, 'order');
    });
  });

  describe('GET /v1/audit/entries/{seq}/proof', () => {
    const firstOf = async (customerId: string) => (await entries(`customerId=${customerId}&limit=1`))[0];

    it('proves an entry up to the head, recomputed by the verifier from the entry alone', async () => {
      const entry = await firstOf('cus-1');
      const head = (await t.get('/v1/audit/head', asStaff)).body;
      const res = await t.get(`/v1/audit/entries/${entry.seq}/proof`, asStaff);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        version: 'consent-ledger-entry-proof/1',
        entry: { seq: entry.seq, salt: expect.any(String) },
        head: { blocks: head.blocks },
      });
      expect(await verifyEntryProof(res.body, sha256, { blocks: head.blocks, ledgerRoot: head.ledgerRoot })).toEqual({ ok: true });
    });

    it('proves against a head written down earlier, and that head stays provable as the ledger grows', async () => {
      const entry = await firstOf('cus-1');
      const before = (await t.get('/v1/audit/head', asStaff)).body;
      await t.post('/v1/consents', { customerId: 'cus-later', channel: 'sms', action: 'opt_in', source: 'api' });
      await seal(t);
      const res = await t.get(`/v1/audit/entries/${entry.seq}/proof?headBlocks=${before.blocks}`, asStaff);
      expect(await verifyEntryProof(res.body, sha256, { blocks: before.blocks, ledgerRoot: before.ledgerRoot })).toEqual({ ok: true });
      expectProblem(await t.get(`/v1/audit/entries/${entry.seq}/proof?headBlocks=${before.blocks + 1000}`, asStaff), 400, 'headBlocks');
    });

    it('fails to verify once the event was changed behind the ledger', async () => {
      await t.post('/v1/consents', { customerId: 'cus-tamper', channel: 'sms', campaignId: 'weekly', action: 'opt_out', source: 'api' });
      await seal(t);
      const entry = await firstOf('cus-tamper');
      await t.asInsider(`update consent_event set action = 'opt_in' where id = $1`, [entry.eventId]);
      const proof = (await t.get(`/v1/audit/entries/${entry.seq}/proof`, asStaff)).body;
      expect(await verifyEntryProof(proof, sha256)).toMatchObject({
        ok: false,
        failedAt: 'entry',
        problem: expect.stringContaining('recorded fields were altered'),
      });
      await t.asInsider(`update consent_event set action = 'opt_out' where id = $1`, [entry.eventId]);
    });

    it('answers 404 for a position not sealed and 400 for one that is not a position; every proof read is recorded', async () => {
      expectProblem(await t.get('/v1/audit/entries/999999999/proof', asStaff), 404);
      expectProblem(await t.get('/v1/audit/entries/abc/proof', asStaff), 400, 'seq');
      expectProblem(await t.get('/v1/audit/entries/0/proof', asStaff), 400, 'seq');
      const entry = await firstOf('cus-1');
      await t.get(`/v1/audit/entries/${entry.seq}/proof`, asStaff);
      const { rows } = await t.sql.query(`select details from system_event where type = 'audit.read' order by id desc limit 1`);
      expect(rows[0].details).toMatchObject({ proof: entry.seq });
    });
  });

  describe('GET /v1/audit/entries/{seq}/receipt', () => {
    it('is a consent record shaped after ISO/IEC TS 27560, with its proof, that verifies offline', async () => {
      const entry = (await entries('customerId=cus-1&limit=1'))[0];
      const res = await t.get(`/v1/audit/entries/${entry.seq}/receipt`, asStaff);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="consent-receipt-${entry.seq}.json"`);
      expect(res.headers['cache-control']).toBe('no-store');
      const r = res.body;
      expect(r).toMatchObject({
        version: 'consent-receipt/1',
        header: { issuer: 'ACME', recordId: { seq: entry.seq, stream: 'consent' } },
        processing: {
          purposes: [{ campaignId: 'weekly', name: 'Weekly deals', purpose: 'marketing' }],
          channel: 'sms',
          notice: { version: 'v7', pageUrl: 'https://acme.example/join' },
          withdrawal: expect.arrayContaining([expect.stringContaining('STOP')]),
        },
        parties: { controller: { name: 'ACME' }, subject: { customerId: 'cus-1', address: null } },
        events: [{ type: 'opt_in', source: 'web_form', occurredAt: '2026-11-01T10:00:00.000000Z' }],
      });
      expect(await verifyReceipt(r, sha256)).toEqual({ ok: true });
      const dir = mkdtempSync(join(tmpdir(), 'receipt-'));
      writeFileSync(join(dir, 'r.json'), JSON.stringify(r));
      expect(await verifyReceiptFile(join(dir, 'r.json'), { blocks: r.proof.head.blocks, root: r.proof.head.ledgerRoot })).toEqual({ ok: true });
      expect(await verifyReceiptFile(join(dir, 'r.json'), { blocks: r.proof.head.blocks, root: 'ab'.repeat(32) })).toMatchObject({
        ok: false,
        failedAt: 'ledger',
      });
    });

    it('fails when what it states is not what the proven entry says', async () => {
      const entry = (await entries('customerId=cus-1&limit=1'))[0];
      const r = (await t.get(`/v1/audit/entries/${entry.seq}/receipt`, asStaff)).body;
      const edited = structuredClone(r);
      edited.events[0].type = 'opt_out';
      expect(await verifyReceipt(edited, sha256)).toEqual({ ok: false, failedAt: 'entry', problem: "the receipt's events is not what the proven entry says" });
      const forged = structuredClone(r);
      forged.proof.entry.occurredAt = '2026-01-01T00:00:00.000000Z';
      forged.events[0].occurredAt = '2026-01-01T00:00:00.000000Z';
      expect(await verifyReceipt(forged, sha256)).toMatchObject({ ok: false, failedAt: 'entry' });
    });

    it('is refused for a system entry (422), which records no consent', async () => {
      const system = (await entries('types=api_key.created&limit=1'))[0];
      expectProblem(await t.get(`/v1/audit/entries/${system.seq}/receipt`, asStaff), 422);
    });
  });

  describe('GET /v1/audit/overview', () => {
    it('counts opt-ins and opt-outs per UTC day, source and channel, with sealing, webhook and import health', async () => {
      const res = await t.get('/v1/audit/overview?days=30', asStaff);
      expect(res.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      const { rows } = await t.sql.query(
        `select action, source, channel, count(*)::int as n from consent_event
          where recorded_at >= $1::date and action in ('opt_in', 'opt_out') group by 1, 2, 3`,
        [today],
      );
      const counted = res.body.daily.filter((d: Row) => d.day === today);
      expect(counted.map((d: Row) => [d.action, d.source, d.channel, d.count]).sort()).toEqual(rows.map((r) => [r.action, r.source, r.channel, r.n]).sort());
      expect(counted.length).toBeGreaterThan(2);
      expect(res.body).toMatchObject({
        days: 30,
        ledger: { blocks: expect.any(Number), pending: expect.any(Number), sealLagMs: expect.any(Number) },
        webhooks: { failedLast24h: 0, pending: 0 },
        imports: { running: 0, interrupted: 0 },
      });
      expect(Date.parse(today) - Date.parse(res.body.from)).toBe(29 * 86_400_000);
    });

    it('takes 30 or 90 days and nothing else', async () => {
      expect((await t.get('/v1/audit/overview?days=90', asStaff)).body.days).toBe(90);
      expectProblem(await t.get('/v1/audit/overview?days=7', asStaff), 400, 'days');
    });
  });
});
