import { Db } from '../src/database/db';
import { expectProblem, snapshotCounts, TestApp, TestResponse } from './support/test-app';

const PHONE = '+14155550100';

describe('POST /v1/decisions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    for (const [id, purpose, channels] of [
      ['promo', 'marketing', ['sms', 'rcs', 'mms', 'email']],
      ['promo2', 'marketing', ['sms']],
      ['otp', 'transactional', ['sms', 'rcs']],
      ['chat', 'conversational', ['whatsapp']],
    ] as const) {
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels })).status).toBe(201);
    }
  });
  afterAll(() => t.close());

  let seq = 0;
  /** A fresh address per test, so that tests do not see each other's events. */
  const fresh = () => `+1415555${String(1000 + ++seq).padStart(4, '0')}`;

  const record = async (body: Record<string, unknown>) => {
    const res = await t.post('/v1/consents', { source: 'api', channel: 'sms', ...body });
    expect(res.status).toBe(201);
    return res.body.event as { id: string; recordedAt: string };
  };
  const decide = async (body: Record<string, unknown>) => {
    const res = await t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', ...body });
    expect(res.status).toBe(200);
    return res.body;
  };

  describe('with no covering event the campaign purpose decides (rule 3)', () => {
    it.each([
      ['promo', 'sms', false, 'deny', 'no_consent'],
      ['otp', 'sms', true, 'allow', 'no_objection'],
      ['chat', 'whatsapp', false, 'deny', 'no_consent'],
    ])('%s on %s: %s %s/%s', async (campaignId, channel, allowed, outcome, reason) => {
      const d = await decide({ address: fresh(), campaignId, channel });
      expect(d).toMatchObject({ allowed, outcome, reason, basis: null, at: null });
      expect(new Date(d.decidedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  it('an opt-in on the campaign allows, and basis names that event', async () => {
    const address = fresh();
    const ev = await record({ address, campaignId: 'promo', action: 'opt_in' });
    const d = await decide({ address });
    expect(d).toMatchObject({ allowed: true, outcome: 'allow', reason: 'opted_in', basis: { eventId: ev.id, scope: 'campaign', action: 'opt_in' } });
  });

  it('an opt-out beats the transactional default', async () => {
    const address = fresh();
    const ev = await record({ address, action: 'opt_out' });
    expect(await decide({ address, campaignId: 'otp' })).toMatchObject({
      allowed: false,
      outcome: 'deny',
      reason: 'opted_out',
      basis: { eventId: ev.id, scope: 'channel' },
    });
  });

  it('a campaign event does not cover another campaign (rule 1)', async () => {
    const address = fresh();
    await record({ address, campaignId: 'promo', action: 'opt_in' });
    expect(await decide({ address, campaignId: 'promo2' })).toMatchObject({ allowed: false, reason: 'no_consent' });
  });

  describe('precedence between channel-wide and campaign events (rule 2: newest wins)', () => {
    it('a later channel-wide opt-out beats an earlier campaign opt-in', async () => {
      const address = fresh();
      await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: '2026-01-01T10:00:00Z' });
      const out = await record({ address, action: 'opt_out', occurredAt: '2026-01-02T10:00:00Z' });
      expect(await decide({ address })).toMatchObject({ reason: 'opted_out', basis: { eventId: out.id, scope: 'channel' } });
    });

    it('a later campaign opt-in beats an earlier channel-wide opt-out, for that campaign only', async () => {
      const address = fresh();
      await record({ address, action: 'opt_out', occurredAt: '2026-01-01T10:00:00Z' });
      const inn = await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: '2026-01-02T10:00:00Z' });
      expect(await decide({ address })).toMatchObject({ allowed: true, basis: { eventId: inn.id, scope: 'campaign' } });
      expect(await decide({ address, campaignId: 'otp' })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('order is by occurredAt, not by when it was recorded (a back-dated opt-in does not undo a newer opt-out)', async () => {
      const address = fresh();
      await record({ address, action: 'opt_out', occurredAt: '2026-02-01T10:00:00Z' });
      await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: '2026-01-01T10:00:00Z' });
      expect(await decide({ address })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('ties on occurredAt go to the later recorded event', async () => {
      const address = fresh();
      const at = '2026-03-01T12:00:00Z';
      await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: at });
      const second = await record({ address, action: 'opt_out', occurredAt: at });
      expect(await decide({ address })).toMatchObject({ reason: 'opted_out', basis: { eventId: second.id } });
      const third = await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: at });
      expect(await decide({ address })).toMatchObject({ reason: 'opted_in', basis: { eventId: third.id } });
    });
  });

  describe('SMS, MMS and RCS share one state (rule 4)', () => {
    it('a STOP recorded on SMS denies RCS and MMS; WhatsApp and email are untouched', async () => {
      const address = fresh();
      await t.put(`/v1/campaigns/multi-${seq}`, { name: 'm', purpose: 'transactional', channels: ['sms', 'rcs', 'mms', 'whatsapp'] });
      await record({ address, channel: 'sms', action: 'opt_out' });
      for (const channel of ['sms', 'rcs', 'mms']) {
        expect(await decide({ address, channel, campaignId: `multi-${seq}` })).toMatchObject({ allowed: false, reason: 'opted_out' });
      }
      expect(await decide({ address, channel: 'whatsapp', campaignId: `multi-${seq}` })).toMatchObject({ allowed: true, reason: 'no_objection' });
    });

    it('an opt-in given over RCS allows SMS', async () => {
      const address = fresh();
      await record({ address, channel: 'rcs', campaignId: 'promo', action: 'opt_in' });
      expect(await decide({ address, channel: 'sms' })).toMatchObject({ allowed: true, reason: 'opted_in' });
    });
  });

  describe('customer and contact point (rule 1)', () => {
    it('an event on the customer covers the contact points the customer owns', async () => {
      const address = fresh();
      await t.put('/v1/customers/cus-own', { contactPoints: [{ channel: 'sms', address }] });
      const ev = await record({ customerId: 'cus-own', action: 'opt_out' });
      expect(await decide({ address, campaignId: 'otp' })).toMatchObject({ reason: 'opted_out', basis: { eventId: ev.id } });
      expect(await decide({ customerId: 'cus-own', campaignId: 'otp' })).toMatchObject({ reason: 'opted_out' });
    });

    it('an event on a contact point covers a decision asked by customer id', async () => {
      const address = fresh();
      await t.put('/v1/customers/cus-cp', {
        contactPoints: [
          { channel: 'sms', address },
          { channel: 'email', address: 'cp@example.com' },
        ],
      });
      await record({ address, campaignId: 'promo', action: 'opt_in' });
      expect(await decide({ customerId: 'cus-cp' })).toMatchObject({ allowed: true, reason: 'opted_in' });
      expect(await decide({ customerId: 'cus-cp', channel: 'email' })).toMatchObject({ allowed: false, reason: 'no_consent' });
    });

    it("a customer's events do not cover an address another customer owns", async () => {
      const mine = fresh();
      const theirs = fresh();
      await t.put('/v1/customers/cus-a', { contactPoints: [{ channel: 'sms', address: mine }] });
      await t.put('/v1/customers/cus-b', { contactPoints: [{ channel: 'sms', address: theirs }] });
      await record({ customerId: 'cus-a', action: 'opt_out' });
      expect(await decide({ address: theirs, campaignId: 'otp' })).toMatchObject({ allowed: true, reason: 'no_objection' });
      expect(await decide({ address: mine, campaignId: 'otp' })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('addresses are normalised before lookup', async () => {
      const address = fresh();
      await record({ address, campaignId: 'promo', action: 'opt_in' });
      const spaced = `${address.slice(0, 2)} (${address.slice(2, 5)}) ${address.slice(5, 8)}-${address.slice(8)}`;
      expect(await decide({ address: spaced })).toMatchObject({ allowed: true });
    });
  });

  describe('at: replay of a past decision (rule 5)', () => {
    it('counts only events recorded at or before the instant', async () => {
      const address = fresh();
      const optIn = await record({ address, campaignId: 'promo', action: 'opt_in' });
      await new Promise((r) => setTimeout(r, 15));
      const optOut = await record({ address, action: 'opt_out' });
      expect(await decide({ address })).toMatchObject({ reason: 'opted_out' });
      expect(await decide({ address, at: optIn.recordedAt })).toMatchObject({ allowed: true, basis: { eventId: optIn.id }, at: optIn.recordedAt });
      expect(await decide({ address, at: optOut.recordedAt })).toMatchObject({ allowed: false, basis: { eventId: optOut.id } });
      const before = new Date(new Date(optIn.recordedAt).getTime() - 1).toISOString();
      expect(await decide({ address, at: before })).toMatchObject({ reason: 'no_consent', basis: null });
    });

    it('a back-dated event recorded later does not change the replay of an earlier instant', async () => {
      const address = fresh();
      const optIn = await record({ address, campaignId: 'promo', action: 'opt_in', occurredAt: '2026-01-01T00:00:00Z' });
      await new Promise((r) => setTimeout(r, 15));
      const asked = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 15));
      await record({ address, action: 'opt_out', occurredAt: '2026-01-02T00:00:00Z' });
      expect(await decide({ address, at: asked })).toMatchObject({ allowed: true, basis: { eventId: optIn.id } });
      expect(await decide({ address })).toMatchObject({ allowed: false });
    });

    it('rejects an instant in the future', async () => {
      const res = await t.post('/v1/decisions', { address: fresh(), channel: 'sms', campaignId: 'promo', at: '2999-01-01T00:00:00Z' });
      expectProblem(res, 400, 'at');
    });
  });

  it('an unknown campaign is a 404 (rule 6)', async () => {
    const res = await t.post('/v1/decisions', { address: fresh(), channel: 'sms', campaignId: 'nope' });
    expectProblem(res, 404);
    expect(res.body.code).toBe('CAMPAIGN.NOT_FOUND');
  });

  it('a channel the campaign does not send on is denied', async () => {
    expect(await decide({ address: 'nobody@example.com', campaignId: 'otp', channel: 'email' })).toMatchObject({
      allowed: false,
      reason: 'channel_not_in_campaign',
    });
  });

  describe('bad input', () => {
    it.each([
      [{ channel: 'sms', campaignId: 'promo' }, 'customerId'],
      [{ address: PHONE, channel: 'fax', campaignId: 'promo' }, 'channel'],
      [{ address: PHONE, channel: 'sms' }, 'campaignId'],
      [{ address: 'call me', channel: 'sms', campaignId: 'promo' }, 'address'],
      [{ address: 12, channel: 'sms', campaignId: 'promo' }, 'address'],
      [{ address: PHONE, channel: 'sms', campaignId: 'promo', at: 'yesterday' }, 'at'],
      [{ address: PHONE, channel: 'sms', campaignId: 'promo', extra: true }, 'extra'],
      [{ address: PHONE, channel: 'sms', campaignId: 'has space' }, 'campaignId'],
      [{ customerId: { $ne: 1 }, channel: 'sms', campaignId: 'promo' }, 'customerId'],
      [{ address: 'x'.repeat(5000), channel: 'email', campaignId: 'promo' }, 'address'],
    ])('%j is a 400 naming %s', async (body, field) => {
      expectProblem(await t.post('/v1/decisions', body), 400, field);
    });

    it.each([['[]'], ['"text"'], ['null'], ['{"a":'], ['']])('body %s is a 400', async (raw) => {
      expectProblem(await t.post('/v1/decisions', raw, { headers: { 'content-type': 'application/json' } }), 400);
    });

    it('a __proto__ key is rejected, not merged', async () => {
      const res = await t.post('/v1/decisions', '{"address":"+14155550100","channel":"sms","campaignId":"promo","__proto__":{"allowed":true}}');
      expectProblem(res, 400);
    });

    it('another content type is a 415', async () => {
      expectProblem(await t.post('/v1/decisions', 'address=1', { headers: { 'content-type': 'text/plain' } }), 415);
    });
  });
});

describe('single decisions asked together', () => {
  // Requests that reach the service in one turn are read by one statement (decision-facts-group):
  // each must get exactly the answer it gets alone, and see everything committed before it.
  let t: TestApp;
  let statements: string[];
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'promo', purpose: 'marketing', channels: ['sms', 'email'] });
    await t.put('/v1/campaigns/otp', { name: 'otp', purpose: 'transactional', channels: ['sms'] });
    const db = t.app.get(Db);
    const query = db.query.bind(db);
    statements = [];
    jest.spyOn(db, 'query').mockImplementation((sql, params, name) => {
      if (name) statements.push(name);
      return query(sql, params, name);
    });
  });
  afterAll(() => t.close());

  const ask = (body: Record<string, unknown>) => t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', ...body });
  const answer = ({ body, status }: TestResponse): Record<string, unknown> => {
    const { decisionId: _id, decidedAt: _at, requestId: _request, ...rest } = body as Record<string, unknown>;
    return { status, ...rest };
  };

  it('each answer is the one it gets alone, across ways of asking, campaigns and outcomes', async () => {
    await t.put('/v1/customers/tg-owner', { contactPoints: [{ channel: 'sms', address: '+14155550201' }] });
    await t.put('/v1/customers/tg-cp', { contactPoints: [{ channel: 'sms', address: '+14155550202' }] });
    const consent = (body: Record<string, unknown>) => t.post('/v1/consents', { channel: 'sms', source: 'api', ...body });
    expect((await consent({ customerId: 'tg-owner', action: 'opt_out' })).status).toBe(201);
    expect((await consent({ address: '+14155550202', campaignId: 'promo', action: 'opt_in' })).status).toBe(201);
    expect((await consent({ address: '+14155550203', campaignId: 'promo', action: 'opt_in' })).status).toBe(201);
    expect((await consent({ address: '+14155550204', action: 'opt_out' })).status).toBe(201);
    const asks = [
      { address: '+14155550201' },
      { address: '+14155550201', campaignId: 'otp' },
      { customerId: 'tg-cp' },
      { customerId: 'tg-cp', address: '+14155550202' },
      { address: '+1 (415) 555-0203' },
      { address: '+14155550204' },
      { address: '+14155550204', campaignId: 'otp' },
      { address: '+14155550205' },
      { address: '+14155550205', campaignId: 'otp' },
      { address: '+14155550206', campaignId: 'ghost' },
      { customerId: 'tg-nobody' },
      { address: '+14155550203', at: '2020-01-01T00:00:00Z' },
    ];
    const alone = [];
    for (const body of asks) alone.push(answer(await ask(body)));
    expect(alone.map((a) => a.reason ?? a.status)).toEqual([
      'opted_out',
      'opted_out',
      'opted_in',
      'opted_in',
      'opted_in',
      'opted_out',
      'opted_out',
      'no_consent',
      'no_objection',
      404,
      'no_consent',
      'no_consent',
    ]);
    statements.length = 0;
    const together = (await Promise.all(asks.map(ask))).map(answer);
    expect(together).toEqual(alone);
    // Asked together, the asks that share a campaign and an instant were read together (promo's
    // seven, otp's three): fewer statements than asks.
    expect(statements).toContain('decision-facts-group');
    expect(statements.filter((name) => name.startsWith('decision-facts')).length).toBeLessThan(asks.length);
  });

  it('an opt-out acknowledged before the requests denies every one of them', async () => {
    const addresses = Array.from({ length: 8 }, (_, i) => `+141555503${String(i).padStart(2, '0')}`);
    for (const address of addresses) {
      expect((await t.post('/v1/consents', { address, channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' })).status).toBe(201);
    }
    expect((await Promise.all(addresses.map((address) => ask({ address })))).map((r) => r.body.reason)).toEqual(addresses.map(() => 'opted_in'));
    for (const address of addresses) {
      expect((await t.post('/v1/consents', { address, channel: 'sms', action: 'opt_out', source: 'api' })).status).toBe(201);
    }
    statements.length = 0;
    expect((await Promise.all(addresses.map((address) => ask({ address })))).map((r) => r.body.reason)).toEqual(addresses.map(() => 'opted_out'));
    expect(statements).toContain('decision-facts-group');
  });
});

describe('POST /v1/decisions/batch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'promo', purpose: 'marketing', channels: ['sms', 'email'] });
  });
  afterAll(() => t.close());

  it('a batch all by customer alone, or all by address, answers each recipient as a single decision does', async () => {
    // The batch statement gets an empty column for a field no recipient gave (unnest pads it with nulls).
    await t.put('/v1/customers/cb-all1', { contactPoints: [{ channel: 'sms', address: '+14155550121' }] });
    await t.put('/v1/customers/cb-all2', { contactPoints: [{ channel: 'sms', address: '+14155550122' }] });
    await t.post('/v1/consents', { customerId: 'cb-all1', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
    await t.post('/v1/consents', { address: '+14155550122', channel: 'sms', action: 'opt_out', source: 'api' });
    const byCustomer = [{ customerId: 'cb-all1' }, { customerId: 'cb-all2' }, { customerId: 'cb-none' }];
    const byAddress = [{ address: '+14155550121' }, { address: '+14155550122' }, { address: '+14155550123' }];
    for (const recipients of [byCustomer, byAddress]) {
      const alone: unknown[] = [];
      for (const r of recipients) alone.push((await t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', ...r })).body.reason);
      expect(alone).toEqual(['opted_in', 'opted_out', 'no_consent']);
      const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'promo', recipients });
      expect(batch.status).toBe(200);
      expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(alone);
    }
  });

  it('answers each recipient in request order, like single decisions would', async () => {
    await t.put('/v1/customers/cb1', { contactPoints: [{ channel: 'sms', address: '+14155550111' }] });
    await t.post('/v1/consents', { address: '+14155550111', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
    await t.post('/v1/consents', { address: '+14155550112', channel: 'sms', action: 'opt_out', source: 'api' });
    await t.post('/v1/consents', { customerId: 'cb3', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
    const recipients = [
      { address: '+14155550112' },
      { customerId: 'cb1' },
      { address: '+1 415 555 0111' },
      { customerId: 'cb3' },
      { address: '+14155550113' },
      { customerId: 'cb1', address: '+14155550111' },
    ];
    const res = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'promo', recipients });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { reason: string }) => r.reason)).toEqual(['opted_out', 'opted_in', 'opted_in', 'opted_in', 'no_consent', 'opted_in']);
    expect(res.body.results[2].address).toBe('+14155550111');
    for (let i = 0; i < recipients.length; i++) {
      const single = await t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', ...recipients[i] });
      const { decidedAt: _d, at: _a, decisionId: _id, ...decision } = single.body;
      expect(res.body.results[i]).toMatchObject(decision);
    }
  });

  it('takes 10,000 recipients and answers all of them', async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({ address: `+1202555${String(i).padStart(4, '0')}` }));
    const res = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'promo', recipients });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(10_000);
    expect(res.body.results[9_999]).toMatchObject({ address: '+12025559999', reason: 'no_consent' });
  });

  it('rejects 10,001 recipients', async () => {
    const recipients = Array.from({ length: 10_001 }, () => ({ address: '+14155550100' }));
    expectProblem(await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'promo', recipients }), 400, 'recipients');
  });

  it.each([
    [[], 'recipients'],
    [[{}], 'recipients.0'],
    [[{ address: '+14155550100' }, 'x'], 'recipients.1'],
    [[{ address: '+14155550100' }, { address: 'nope' }], 'recipients.1.address'],
    [[{ customerId: 5 }], 'recipients.0.customerId'],
    [[{ address: '+14155550100', name: 'Ana' }], 'recipients.0.name'],
  ])('recipients %j are a 400 naming %s', async (recipients, field) => {
    expectProblem(await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'promo', recipients }), 400, field);
  });

  it('an unknown campaign is a 404 and nothing is written by any rejected request', async () => {
    const before = await snapshotCounts(t);
    expectProblem(await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'ghost', recipients: [{ address: '+14155550100' }] }), 404);
    expect(await snapshotCounts(t)).toEqual(before);
  });
});

describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => t.close());

  it('a body over BODY_LIMIT_BYTES is a 413 problem', async () => {
    const res = await t.post('/v1/decisions', { address: '+14155550100', channel: 'sms', campaignId: 'x'.repeat(4000) });
    expectProblem(res, 413);
  });

  it('an unknown route is a 404 problem', async () => {
    expectProblem(await t.get('/v1/nowhere'), 404);
  });
});
