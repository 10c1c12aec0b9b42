import twilio from 'twilio';
import { expectProblem, TestApp, TestResponse } from './support/test-app';

const TOKEN = 'twilio-test-auth-token-0123456789';
const BASE = 'https://consent.example.com';
const SENDER = '+14155550999';
const HOUR = 3600_000;

/**
 * A reply the parser cannot decide (issue 19): asked back once in the reply's language, filed
 * for review, and marketing to the contact point deferred until the customer answers, staff
 * read it, or CLARIFY_HOLD passes; every step in the ledger.
 */
describe('unclear replies: clarification, review and hold', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, BRAND_NAME: 'ACME', CLARIFY_HOLD: 'PT2H' });
    for (const [id, purpose] of [
      ['promo', 'marketing'],
      ['news', 'marketing'],
      ['reminders', 'transactional'],
    ] as const) {
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels: ['sms'] })).status).toBe(201);
    }
    expect((await t.put(`/v1/senders/${SENDER}`, { campaignIds: ['promo', 'news'] })).status).toBe(201);
  });
  afterAll(() => t.close());

  let seq = 0;
  const fresh = () => `+1415556${String(1000 + ++seq).padStart(4, '0')}`;
  const sid = () => `SM${String(++seq).padStart(32, '0')}`;
  const sms = (from: string, body: string, messageSid = sid()) => {
    const params = { AccountSid: 'AC123', MessageSid: messageSid, From: from, To: SENDER, Body: body, NumMedia: '0' };
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/v1/inbound/twilio`, params),
    };
    return t.request('POST', '/v1/inbound/twilio', new URLSearchParams(params).toString(), { key: null, headers });
  };
  const message = (res: TestResponse) => /<Message>([\s\S]*)<\/Message>/.exec(res.text)?.[1] ?? null;
  const optIn = async (address: string, campaignId: string) => {
    const occurredAt = new Date(Date.now() - 10 * HOUR).toISOString();
    expect((await t.post('/v1/consents', { address, channel: 'sms', campaignId, action: 'opt_in', source: 'web_form', occurredAt })).status).toBe(201);
  };
  const decide = async (address: string, campaignId: string, at?: string) => {
    const res = await t.post('/v1/decisions', { address, channel: 'sms', campaignId, ...(at ? { at } : {}) });
    expect(res.status).toBe(200);
    return res.body;
  };
  const reviewOf = async (address: string, status = 'open,answered,resolved,expired') => {
    const res = await t.get(`/v1/inbound/reviews?status=${status}&limit=200`);
    expect(res.status).toBe(200);
    return res.body.items.find((r: { from: string }) => r.from === address);
  };
  const eventsOf = async (address: string) =>
    (
      await t.sql.query(`select id::text, action, source, campaign_id, evidence, occurred_at, expires_at from consent_event where address = $1 order by id`, [
        address,
      ])
    ).rows;

  /** A customer opted in to both of the sender's campaigns, who then wrote something unclear. */
  const unclearCustomer = async (body = '"STOP" is what my kid typed, ignore that') => {
    const phone = fresh();
    await optIn(phone, 'promo');
    await optIn(phone, 'news');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now(); // after the opt-ins were recorded, before the reply
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await sms(phone, body);
    expect(res.status).toBe(200);
    return { phone, res, before };
  };

  it('asks back once in the reply\u2019s language, files the reply, and defers marketing until the hold ends', async () => {
    const { phone, res, before } = await unclearCustomer('Mon fils a écrit « arrêt » par erreur');
    expect(message(res)).toBe('Souhaitez-vous ne plus recevoir de messages de ACME ? Répondez STOP pour les arrêter.');

    const [optInPromo, optInNews, asked] = await eventsOf(phone);
    expect([optInPromo.action, optInNews.action]).toEqual(['opt_in', 'opt_in']);
    expect(asked).toMatchObject({ action: 'clarification_requested', source: 'keyword', campaign_id: null });
    expect(asked.evidence).toMatchObject({ text: 'Mon fils a écrit « arrêt » par erreur', matched: 'unclear.quoted', optOutScope: ['promo', 'news'] });
    const holdUntil = new Date(asked.expires_at).getTime();
    expect(holdUntil - new Date(asked.occurred_at).getTime()).toBe(2 * HOUR); // CLARIFY_HOLD=PT2H
    expect(holdUntil).toBeGreaterThanOrEqual(before + 2 * HOUR - 1000);

    expect(await decide(phone, 'promo')).toMatchObject({
      allowed: false,
      outcome: 'defer',
      reason: 'clarification_pending',
      blockedBy: ['clarification_pending'],
      nextAllowedAt: new Date(holdUntil).toISOString(),
    });
    // Transactional messages go on; a batch answers as single decisions do.
    expect(await decide(phone, 'reminders')).toMatchObject({ allowed: true, reason: 'no_objection' });
    const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'news', recipients: [{ address: phone }, { address: fresh() }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['clarification_pending', 'no_consent']);
    // A replay of the instant before the reply answers as it did then (the end of the hold: see the expired review below).
    expect(await decide(phone, 'promo', new Date(before).toISOString())).toMatchObject({ allowed: true, reason: 'opted_in' });

    expect(await reviewOf(phone, 'open')).toMatchObject({
      id: asked.id,
      status: 'open',
      channel: 'sms',
      text: 'Mon fils a écrit « arrêt » par erreur',
      matched: 'unclear.quoted',
      holdUntil: new Date(holdUntil).toISOString(),
      answer: null,
      resolution: null,
    });
  });

  it('the customer answering STOP opts out and closes the review as answered', async () => {
    const { phone } = await unclearCustomer();
    const res = await sms(phone, 'STOP');
    expect(message(res)).toMatch(/unsubscribed/);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, outcome: 'deny', reason: 'opted_out' });
    expect(await reviewOf(phone)).toMatchObject({ status: 'answered', answer: { action: 'opt_out' } });
    expect(await reviewOf(phone, 'open')).toBeUndefined();
  });

  it('the customer answering anything else ends the hold: they did not mean to stop', async () => {
    const { phone } = await unclearCustomer();
    expect(message(await sms(phone, 'no no, keep the deals coming'))).toBeNull();
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
    expect(await reviewOf(phone)).toMatchObject({ status: 'answered', answer: { action: 'service_window' } });
  });

  it('staff reading it as not an opt-out ends the hold, once, in the ledger', async () => {
    const { phone } = await unclearCustomer();
    const review = await reviewOf(phone, 'open');
    const res = await t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'not_opt_out' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ review: { id: review.id, status: 'resolved', resolution: { outcome: 'not_opt_out', resolvedBy: 'admin' } }, reply: null });
    expect(res.body.effects).toEqual([
      expect.objectContaining({ action: 'clarification_resolved', source: 'review', evidence: { reviewId: review.id, outcome: 'not_opt_out' } }),
    ]);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });

    const again = await t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'opt_out' });
    expectProblem(again, 409, 'id');
    expect(again.body.code).toBe('REVIEW.ALREADY_RESOLVED');
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
  });

  it('staff reading it as an opt-out records the opt-outs the reply would have written, as of when it was written', async () => {
    const { phone } = await unclearCustomer('cancel my subscription');
    const review = await reviewOf(phone, 'open');
    const res = await t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'opt_out' });
    expect(res.status).toBe(200);
    expect(res.body.reply).toBe('You have been unsubscribed and will receive no more messages from ACME. Reply START to resubscribe.');
    expect(res.body.effects.map((e: { action: string; campaignId: string | null }) => [e.action, e.campaignId])).toEqual([
      ['clarification_resolved', null],
      ['opt_out', 'promo'],
      ['opt_out', 'news'],
    ]);
    expect(res.body.effects[1].occurredAt).toBe(review.receivedAt);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'opted_out', basis: { eventId: res.body.effects[1].id } });
    expect(await decide(phone, 'news')).toMatchObject({ allowed: false, reason: 'opted_out' });
    // A START afterwards still wins: the opt-out is dated when the customer wrote.
    await sms(phone, 'START');
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
  });

  it('two staff resolving at once: one wins, the other is told', async () => {
    const { phone } = await unclearCustomer();
    const review = await reviewOf(phone, 'open');
    const answers = await Promise.all([
      t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'opt_out' }),
      t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'not_opt_out' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const { rows } = await t.sql.query(`select count(*)::int as n from consent_event where action = 'clarification_resolved' and evidence->>'reviewId' = $1`, [
      review.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('a hold that passed without an answer lists the review as expired and holds nothing back', async () => {
    const phone = fresh();
    await optIn(phone, 'promo');
    const receivedAt = new Date(Date.now() - 3 * HOUR).toISOString();
    const res = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'stp', messageId: sid(), receivedAt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      intent: 'unclear',
      matched: 'keyword.en.stop.near',
      reply: 'Did you mean to stop messages from ACME? Reply STOP to stop.',
    });
    expect(res.body.effects).toEqual([
      expect.objectContaining({ action: 'clarification_requested', expiresAt: new Date(Date.parse(receivedAt) + 2 * HOUR).toISOString() }),
    ]);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
    const review = await reviewOf(phone);
    expect(review).toMatchObject({ status: 'expired' });
    expect(await reviewOf(phone, 'open')).toBeUndefined();

    // The sweep records the end of the hold in the ledger, once, at the instant it ended.
    const sweep = async () => {
      const run = await t.post('/v1/admin/jobs/reconfirmation/run');
      expect(run.status).toBe(200);
      return run.body.result.clarificationsExpired as number;
    };
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    await sweep();
    const { rows } = await t.sql.query(`select occurred_at, source, evidence from consent_event where action = 'clarification_expired' and address = $1`, [
      phone,
    ]);
    expect(rows).toEqual([{ occurred_at: new Date(review.holdUntil), source: 'system', evidence: { reviewId: review.id } }]);

    // Staff may still read it late: an opt-out then stops the messages.
    expect((await t.post(`/v1/inbound/reviews/${review.id}`, { outcome: 'opt_out' })).status).toBe(200);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'opted_out' });
  });

  it('a customer asked about by id is held back through their contact point', async () => {
    const phone = fresh();
    const customerId = `cus_clar_${seq}`;
    expect((await t.put(`/v1/customers/${customerId}`, { contactPoints: [{ channel: 'sms', address: phone }] })).status).toBeLessThan(300);
    await optIn(phone, 'promo');
    expect((await t.post('/v1/decisions', { customerId, channel: 'sms', campaignId: 'promo' })).body).toMatchObject({ allowed: true });
    await sms(phone, 'quiet');
    expect((await t.post('/v1/decisions', { customerId, channel: 'sms', campaignId: 'promo' })).body).toMatchObject({
      outcome: 'defer',
      reason: 'clarification_pending',
    });
  });

  it('refuses what it cannot do, naming the field, and lets only inbound:write keys in', async () => {
    expectProblem(await t.post('/v1/inbound/reviews/1', { outcome: 'maybe' }), 400, 'outcome');
    expectProblem(await t.post('/v1/inbound/reviews/abc', { outcome: 'opt_out' }), 400, 'id');
    expectProblem(await t.get('/v1/inbound/reviews?status=closed'), 400, 'status');
    expectProblem(await t.get('/v1/inbound/reviews?limit=0'), 400, 'limit');
    const missing = await t.post('/v1/inbound/reviews/999999999', { outcome: 'opt_out' });
    expectProblem(missing, 404);
    expect(missing.body.code).toBe('REVIEW.NOT_FOUND');
    expectProblem(await t.get('/v1/inbound/reviews/999999999'), 404);
    // An opt-in event is not a review.
    const phone = fresh();
    await optIn(phone, 'promo');
    const [event] = await eventsOf(phone);
    expectProblem(await t.post(`/v1/inbound/reviews/${event.id}`, { outcome: 'opt_out' }), 404);
    expect(await decide(phone, 'promo')).toMatchObject({ allowed: true });

    const key = await t.post('/v1/api-keys', { name: 'auditor', scopes: ['audit:read'] });
    expect(key.status).toBe(201);
    expectProblem(await t.get('/v1/inbound/reviews', { key: key.body.secret }), 403);
    expectProblem(await t.post('/v1/inbound/reviews/1', { outcome: 'opt_out' }, { key: key.body.secret }), 403);
  });

  it('pages newest first with cursors', async () => {
    for (let i = 0; i < 3; i++) await unclearCustomer();
    const all = (await t.get('/v1/inbound/reviews?status=open,answered,resolved,expired&limit=200')).body.items.map((r: { id: string }) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: TestResponse = await t.get(`/v1/inbound/reviews?status=open,answered,resolved,expired&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort((a, b) => Number(b) - Number(a))).toEqual(all);
  });
});
