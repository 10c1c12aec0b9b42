import { expectProblem, snapshotCounts, TestApp } from './support/test-app';

describe('consents, customers and campaigns', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'Promo', purpose: 'marketing', channels: ['sms', 'email'] });
  });
  afterAll(() => t.close());

  describe('PUT/GET /v1/campaigns', () => {
    it('creates (201), updates (200), reads and lists', async () => {
      const created = await t.put('/v1/campaigns/news', { name: 'News', purpose: 'marketing', channels: ['email'] });
      expect(created.status).toBe(201);
      const updated = await t.put('/v1/campaigns/news', { name: 'Newsletter', purpose: 'transactional', channels: ['email', 'push'] });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id: 'news', name: 'Newsletter', purpose: 'transactional', channels: ['email', 'push'] });
      expect((await t.get('/v1/campaigns/news')).body.name).toBe('Newsletter');
      expect((await t.get('/v1/campaigns')).body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['news', 'promo']));
      expectProblem(await t.get('/v1/campaigns/missing'), 404);
    });

    it.each([
      [{ name: 'x', purpose: 'spam', channels: ['sms'] }, 'purpose'],
      [{ name: 'x', purpose: 'marketing', channels: [] }, 'channels'],
      [{ name: 'x', purpose: 'marketing', channels: ['fax'] }, 'channels'],
      [{ name: 'x', purpose: 'marketing', channels: ['sms', 'sms'] }, 'channels'],
      [{ name: '', purpose: 'marketing', channels: ['sms'] }, 'name'],
      [{ purpose: 'marketing', channels: ['sms'] }, 'name'],
      [{ name: 'x', purpose: 'marketing', channels: 'sms' }, 'channels'],
      [{ name: 'x', purpose: 'marketing', channels: ['sms'], color: 'red' }, 'color'],
    ])('%j is a 400 naming %s and writes nothing', async (body, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await t.put('/v1/campaigns/bad-one', body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('a bad campaign id in the path is a 400 naming it', async () => {
      expectProblem(await t.put(`/v1/campaigns/${'x'.repeat(65)}`, { name: 'x', purpose: 'marketing', channels: ['sms'] }), 400, 'campaignId');
    });
  });

  describe('PUT/GET /v1/customers', () => {
    it('normalises phone numbers to E.164 and emails to lower case', async () => {
      const res = await t.put('/v1/customers/ana', {
        contactPoints: [
          { channel: 'sms', address: '+1 (415) 555-0100' },
          { channel: 'email', address: 'Ana@Example.COM' },
        ],
        timezone: 'America/New_York',
        locale: 'en-US',
      });
      expect(res.status).toBe(201);
      expect(res.body.contactPoints).toEqual(
        expect.arrayContaining([
          { channel: 'sms', address: '+14155550100' },
          { channel: 'email', address: 'ana@example.com' },
        ]),
      );
      expect((await t.get('/v1/customers/ana')).body).toMatchObject({ timezone: 'America/New_York', locale: 'en-US' });
    });

    it('replaces contact points as a whole', async () => {
      await t.put('/v1/customers/bob', { contactPoints: [{ channel: 'sms', address: '+14155550101' }] });
      const res = await t.put('/v1/customers/bob', { contactPoints: [{ channel: 'email', address: 'bob@example.com' }] });
      expect(res.status).toBe(200);
      expect(res.body.contactPoints).toEqual([{ channel: 'email', address: 'bob@example.com' }]);
    });

    it('a contact point owned by another customer is a 409 naming it, and nothing changes', async () => {
      await t.put('/v1/customers/carla', { contactPoints: [{ channel: 'sms', address: '+14155550102' }] });
      const before = await snapshotCounts(t);
      const res = await t.put('/v1/customers/dan', {
        contactPoints: [
          { channel: 'email', address: 'dan@example.com' },
          { channel: 'sms', address: '+14155550102' },
        ],
      });
      expectProblem(res, 409, 'contactPoints.1.address');
      expect(await snapshotCounts(t)).toEqual(before);
      expectProblem(await t.get('/v1/customers/dan'), 404);
    });

    it.each([
      [{ contactPoints: [{ channel: 'sms', address: '555-0100' }] }, 'contactPoints.0.address'],
      [{ contactPoints: [{ channel: 'email', address: 'not-an-email' }] }, 'contactPoints.0.address'],
      [
        {
          contactPoints: [
            { channel: 'sms', address: '+14155550103' },
            { channel: 'sms', address: '+1 415 555 0103' },
          ],
        },
        'contactPoints.1',
      ],
      [{ contactPoints: [{ channel: 'carrier-pigeon', address: 'x' }] }, 'contactPoints.0.channel'],
      [{ contactPoints: [], timezone: 'Mars/Olympus' }, 'timezone'],
      [{ contactPoints: [], locale: 'not a locale!' }, 'locale'],
      [{ contactPoints: 'none' }, 'contactPoints'],
      [{}, 'contactPoints'],
    ])('%j is a 400 naming %s and writes nothing', async (body, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await t.put('/v1/customers/erin', body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });
  });

  describe('POST /v1/consents', () => {
    it('records an event with its evidence and returns it with the resulting state', async () => {
      const res = await t.post('/v1/consents', {
        customerId: 'fay',
        channel: 'email',
        address: 'Fay@Example.com',
        campaignId: 'promo',
        action: 'opt_in',
        source: 'web_form',
        evidence: { noticeVersion: 'v3', ip: '203.0.113.9', userAgent: 'Mozilla/5.0', pageUrl: 'https://shop.example/signup' },
        language: 'fr',
        jurisdiction: 'FR',
        occurredAt: '2026-05-01T10:00:00+02:00',
      });
      expect(res.status).toBe(201);
      expect(res.body.event).toMatchObject({
        id: expect.stringMatching(/^\d+$/),
        customerId: 'fay',
        channel: 'email',
        address: 'fay@example.com',
        campaignId: 'promo',
        action: 'opt_in',
        source: 'web_form',
        evidence: { noticeVersion: 'v3', ip: '203.0.113.9' },
        language: 'fr',
        jurisdiction: 'FR',
        occurredAt: '2026-05-01T08:00:00.000Z',
        recordedBy: 'admin',
      });
      expect(res.body.state).toEqual([
        expect.objectContaining({ channel: 'email', address: 'fay@example.com', campaignId: 'promo', status: 'opted_in', eventId: res.body.event.id }),
      ]);
      const row = await t.sql.query('select * from consent_event where id = $1', [res.body.event.id]);
      expect(row.rows[0]).toMatchObject({ address: 'fay@example.com', channel_group: 'email', source: 'web_form' });
    });

    it('the state reads back per channel and campaign, for a customer and for a contact point', async () => {
      await t.put('/v1/customers/gus', { contactPoints: [{ channel: 'sms', address: '+14155550110' }] });
      await t.post('/v1/consents', { address: '+14155550110', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
      await t.post('/v1/consents', { customerId: 'gus', channel: 'sms', action: 'opt_out', source: 'keyword' });
      await t.post('/v1/consents', { customerId: 'gus', channel: 'email', campaignId: 'promo', action: 'opt_in', source: 'api' });
      const ofCustomer = (await t.get('/v1/customers/gus/consents')).body;
      expect(ofCustomer).toHaveLength(3);
      expect(ofCustomer).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'sms', address: '+14155550110', campaignId: 'promo', status: 'opted_in' }),
          expect.objectContaining({ channel: 'sms', address: null, campaignId: null, status: 'opted_out', source: 'keyword' }),
          expect.objectContaining({ channel: 'email', address: null, campaignId: 'promo', status: 'opted_in' }),
        ]),
      );
      const ofPoint = await t.get('/v1/consents', { query: { channel: 'rcs', address: '+1 415 555 0110' } });
      expect(ofPoint.status).toBe(200);
      expect(ofPoint.body).toHaveLength(2);
      expectProblem(await t.get('/v1/consents', { query: { channel: 'sms' } }), 400, 'address');
      expectProblem(await t.get('/v1/customers/nobody/consents'), 404);
    });

    it('history is newest first and cursor paginated', async () => {
      for (let i = 0; i < 5; i++) {
        await t.post('/v1/consents', { customerId: 'hal', channel: 'sms', action: i % 2 ? 'opt_out' : 'opt_in', source: 'api' });
      }
      const first = await t.get('/v1/customers/hal/history', { query: { limit: '2' } });
      expect(first.body.items).toHaveLength(2);
      const second = await t.get('/v1/customers/hal/history', { query: { limit: '2', cursor: first.body.nextCursor } });
      const third = await t.get('/v1/customers/hal/history', { query: { limit: '2', cursor: second.body.nextCursor } });
      expect(third.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items, ...third.body.items].map((e: { id: string }) => Number(e.id));
      expect(ids).toHaveLength(5);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      expectProblem(await t.get('/v1/customers/hal/history', { query: { limit: '0' } }), 400, 'limit');
      expectProblem(await t.get('/v1/customers/hal/history', { query: { limit: 'many' } }), 400, 'limit');
      expectProblem(await t.get('/v1/customers/hal/history', { query: { cursor: 'abc' } }), 400, 'cursor');
      // Past the largest bigint: a 400 naming the cursor, not a database error.
      for (const cursor of ['9999999999999999999', '9223372036854775808']) {
        expectProblem(await t.get('/v1/customers/hal/history', { query: { cursor } }), 400, 'cursor');
        expectProblem(await t.get('/v1/audit/events', { query: { cursor } }), 400, 'cursor');
        expectProblem(await t.get('/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries', { query: { cursor } }), 400, 'cursor');
      }
      // The largest bigint is a cursor like any other (newest first: everything is older).
      expect((await t.get('/v1/customers/hal/history', { query: { cursor: '9223372036854775807' } })).body.items).toHaveLength(5);
    });

    it('an opt-out is accepted on a channel the campaign does not use; an opt-in is a 422', async () => {
      expect(
        (await t.post('/v1/consents', { address: '+14155550120', channel: 'whatsapp', campaignId: 'promo', action: 'opt_out', source: 'api' })).status,
      ).toBe(201);
      expectProblem(
        await t.post('/v1/consents', { address: '+14155550120', channel: 'whatsapp', campaignId: 'promo', action: 'opt_in', source: 'api' }),
        422,
        'channel',
      );
    });

    it('an unknown campaign is a 404 and writes nothing', async () => {
      const before = await snapshotCounts(t);
      expectProblem(await t.post('/v1/consents', { customerId: 'new-one', channel: 'sms', campaignId: 'ghost', action: 'opt_in', source: 'api' }), 404);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    const valid = { address: '+14155550130', channel: 'sms', action: 'opt_in', source: 'api' };
    it.each([
      [{ channel: 'sms', action: 'opt_in', source: 'api' }, 'customerId'],
      [{ ...valid, action: 'maybe' }, 'action'],
      [{ ...valid, source: 'rumour' }, 'source'],
      [{ ...valid, channel: 'telegram' }, 'channel'],
      [{ ...valid, address: '+1 555' }, 'address'],
      [{ ...valid, address: ['+14155550130'] }, 'address'],
      [{ ...valid, occurredAt: '2026-13-01' }, 'occurredAt'],
      [{ ...valid, occurredAt: '2999-01-01T00:00:00Z' }, 'occurredAt'],
      [{ ...valid, evidence: { ip: 'not-ip' } }, 'evidence.ip'],
      [{ ...valid, evidence: { secretField: 1 } }, 'evidence.secretField'],
      [{ ...valid, evidence: 'signed' }, 'evidence'],
      [{ ...valid, jurisdiction: 'Florida' }, 'jurisdiction'],
      [{ ...valid, customerId: 'a b' }, 'customerId'],
      [{ ...valid, id: '1' }, 'id'],
      [{ ...valid, recordedAt: '2020-01-01T00:00:00Z' }, 'recordedAt'],
    ])('%j is a 400 naming %s and writes nothing', async (body, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await t.post('/v1/consents', body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('events cannot be changed or removed, even with direct SQL', async () => {
      const res = await t.post('/v1/consents', valid);
      await expect(t.sql.query(`update consent_event set action = 'opt_out' where id = $1`, [res.body.event.id])).rejects.toThrow(/append-only/);
      await expect(t.sql.query(`delete from consent_event where id = $1`, [res.body.event.id])).rejects.toThrow(/append-only/);
      await expect(t.sql.query(`truncate consent_event cascade`)).rejects.toThrow(/append-only/);
    });
  });

  describe('Idempotency-Key', () => {
    const body = { address: '+14155550140', channel: 'sms', action: 'opt_out', source: 'api' };

    it('replays the first response for the same key and body, writing once', async () => {
      const before = await t.count('consent_event');
      const first = await t.post('/v1/consents', body, { headers: { 'idempotency-key': 'idem-1' } });
      const again = await t.post(
        '/v1/consents',
        { source: 'api', action: 'opt_out', channel: 'sms', address: '+14155550140' },
        { headers: { 'idempotency-key': 'idem-1' } },
      );
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await t.count('consent_event')).toBe(before + 1);
    });

    it('the same key with another body is a 422 and writes nothing', async () => {
      await t.post('/v1/consents', body, { headers: { 'idempotency-key': 'idem-2' } });
      const before = await snapshotCounts(t);
      const res = await t.post('/v1/consents', { ...body, action: 'opt_in' }, { headers: { 'idempotency-key': 'idem-2' } });
      expectProblem(res, 422, 'Idempotency-Key');
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('concurrent retries with one key write once', async () => {
      const before = await t.count('consent_event');
      const results = await Promise.all(Array.from({ length: 8 }, () => t.post('/v1/consents', body, { headers: { 'idempotency-key': 'idem-3' } })));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => r.body.event.id)).size).toBe(1);
      expect(await t.count('consent_event')).toBe(before + 1);
    });

    it('a failed request is not remembered: fixing it and retrying with the key works', async () => {
      expectProblem(await t.post('/v1/consents', { ...body, source: 'nope' }, { headers: { 'idempotency-key': 'idem-4' } }), 400);
      expect((await t.post('/v1/consents', body, { headers: { 'idempotency-key': 'idem-4' } })).status).toBe(201);
    });

    it('keys are kept apart per API key, and a malformed key is a 400', async () => {
      const other = (await t.post('/v1/api-keys', { name: 'writer', scopes: ['consents:write'] })).body.secret;
      const res = await t.post('/v1/consents', { ...body, action: 'opt_in' }, { key: other, headers: { 'idempotency-key': 'idem-1' } });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expectProblem(await t.post('/v1/consents', body, { headers: { 'idempotency-key': 'has space' } }), 400, 'Idempotency-Key');
    });

    it('every POST honours it, decisions and API keys included', async () => {
      const decision = { address: '+14155550140', channel: 'sms', campaignId: 'promo' };
      const first = await t.post('/v1/decisions', decision, { headers: { 'idempotency-key': 'idem-decision' } });
      await new Promise((r) => setTimeout(r, 5));
      const again = await t.post('/v1/decisions', decision, { headers: { 'idempotency-key': 'idem-decision' } });
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expectProblem(await t.post('/v1/decisions', { ...decision, campaignId: 'other' }, { headers: { 'idempotency-key': 'idem-decision' } }), 422);
      const batch = { channel: 'sms', campaignId: 'promo', recipients: [{ address: '+14155550140' }] };
      const b1 = await t.post('/v1/decisions/batch', batch, { headers: { 'idempotency-key': 'idem-batch' } });
      expect((await t.post('/v1/decisions/batch', batch, { headers: { 'idempotency-key': 'idem-batch' } })).body).toEqual(b1.body);
      const before = await t.count('api_key');
      const k1 = await t.post('/v1/api-keys', { name: 'once', scopes: ['consents:read'] }, { headers: { 'idempotency-key': 'idem-key' } });
      const k2 = await t.post('/v1/api-keys', { name: 'once', scopes: ['consents:read'] }, { headers: { 'idempotency-key': 'idem-key' } });
      expect(k2.status).toBe(201);
      expect(k2.body.id).toBe(k1.body.id);
      expect(k2.body.secret).toBeUndefined();
      expect(await t.count('api_key')).toBe(before + 1);
      const { rows } = await t.sql.query(`select response::text as r from idempotency_record where key = 'idem-key'`);
      expect(rows[0].r).not.toContain(k1.body.secret);
    });

    it('expired keys are purged after the retention period, never before', async () => {
      const { IdempotencyRetention } = await import('../src/idempotency/idempotency-retention');
      await t.post('/v1/consents', body, { headers: { 'idempotency-key': 'idem-old' } });
      const retention = t.app.get(IdempotencyRetention);
      await retention.purgeExpired();
      expect((await t.sql.query(`select 1 from idempotency_record where key = 'idem-old'`)).rowCount).toBe(1);
      await t.sql.query(`update idempotency_record set created_at = now() - interval '49 hours' where key = 'idem-old'`);
      expect(await retention.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect((await t.sql.query(`select 1 from idempotency_record where key = 'idem-old'`)).rowCount).toBe(0);
    });
  });
});
