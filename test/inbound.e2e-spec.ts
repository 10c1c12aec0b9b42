import twilio from 'twilio';
import { expectProblem, snapshotCounts, TestApp, TestResponse } from './support/test-app';

const TOKEN = 'twilio-test-auth-token-0123456789';
const BASE = 'https://consent.example.com';
const SENDER = '+14155550999';
const BARE_SENDER = '+14155550998'; // no configuration: a STOP covers the whole channel

describe('inbound messages: STOP, START, HELP and service windows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, BRAND_NAME: 'ACME' });
    for (const [id, purpose, channels] of [
      ['promo', 'marketing', ['sms', 'whatsapp']],
      ['news', 'marketing', ['sms']],
      ['other', 'marketing', ['sms']],
      ['support', 'conversational', ['sms', 'whatsapp']],
    ] as const) {
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels })).status).toBe(201);
    }
    expect((await t.put(`/v1/senders/${SENDER}`, { campaignIds: ['promo', 'news'] })).status).toBe(201);
  });
  afterAll(() => t.close());

  let seq = 0;
  const fresh = () => `+1415555${String(2000 + ++seq).padStart(4, '0')}`;
  const sid = () => `SM${String(++seq).padStart(32, '0')}`;

  /** Posts a form body as Twilio does, signed with the official helper over the public URL. */
  const twilioPost = (params: Record<string, string>, options: { path?: string; signature?: string | null; signUrl?: string } = {}) => {
    const path = options.path ?? '/v1/inbound/twilio';
    const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(TOKEN, options.signUrl ?? BASE + path, params) : options.signature;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    return t.request('POST', path, new URLSearchParams(params).toString(), { key: null, headers });
  };
  const sms = (from: string, body: string, extra: Record<string, string> = {}) =>
    twilioPost({ AccountSid: 'AC123', MessageSid: sid(), From: from, To: SENDER, Body: body, NumMedia: '0', ...extra });

  const optIn = async (address: string, campaignId: string, occurredAt?: Date) => {
    const body = { address, channel: 'sms', campaignId, action: 'opt_in', source: 'web_form', ...(occurredAt ? { occurredAt: occurredAt.toISOString() } : {}) };
    expect((await t.post('/v1/consents', body)).status).toBe(201);
  };
  const decide = async (address: string, campaignId: string, channel = 'sms', at?: string) => {
    const res = await t.post('/v1/decisions', { address, channel, campaignId, ...(at ? { at } : {}) });
    expect(res.status).toBe(200);
    return res.body;
  };
  const message = (res: TestResponse) => /<Message>([\s\S]*)<\/Message>/.exec(res.text)?.[1] ?? null;

  describe('POST /v1/inbound/twilio', () => {
    it('STOP opts out of every campaign of the sender at once, with one confirmation naming the brand', async () => {
      const phone = fresh();
      for (const c of ['promo', 'news', 'other']) await optIn(phone, c);
      const res = await sms(phone, ' Stop!! ');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      // 'other' goes on: the confirmation says what stopped and offers to stop everything (47 CFR 64.1200(a)(12)).
      expect(message(res)).toBe('You will receive no more of these messages from ACME. Reply START to resubscribe. Reply ALL to stop every message from ACME.');
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'opted_out' });
      expect(await decide(phone, 'news')).toMatchObject({ allowed: false, reason: 'opted_out' });
      // Not sent from this sender: untouched.
      expect(await decide(phone, 'other')).toMatchObject({ allowed: true, reason: 'opted_in' });
      // SMS, MMS and RCS share one state.
      expect((await t.post('/v1/decisions', { address: phone, channel: 'rcs', campaignId: 'promo' })).body).toMatchObject({
        allowed: false,
        reason: 'opted_out',
      });
    });

    it('a STOP that stops everything the customer consented to confirms with no offer', async () => {
      const phone = fresh();
      for (const c of ['promo', 'news']) await optIn(phone, c);
      expect(message(await sms(phone, 'STOP'))).toBe('You have been unsubscribed and will receive no more messages from ACME. Reply START to resubscribe.');
      // "ALL" was not offered: an ordinary message.
      const all = await sms(phone, 'ALL');
      expect(message(all)).toBeNull();
      expect((await t.sql.query(`select action from consent_event where address = $1 order by id desc limit 1`, [phone])).rows[0].action).toBe(
        'service_window',
      );
    });

    it('ALL, answering the offer, stops every campaign on the channel; once, and only while the offer stands', async () => {
      const phone = fresh();
      for (const c of ['promo', 'news', 'other']) await optIn(phone, c);
      expect(message(await sms(phone, 'stop'))).toMatch(/Reply ALL/);
      const { rows: offered } = await t.sql.query(`select evidence from consent_event where address = $1 and action = 'opt_out'`, [phone]);
      expect(offered[0].evidence).toMatchObject({ askedAll: true, askAllUntil: expect.any(String) });
      const all = await sms(phone, 'All of them please');
      expect(message(all)).toBe('You have been unsubscribed and will receive no more messages from ACME. Reply START to resubscribe.');
      expect(await decide(phone, 'other')).toMatchObject({ allowed: false, reason: 'opted_out', basis: { scope: 'channel' } });
      const { rows } = await t.sql.query(
        `select action, campaign_id, evidence->>'matched' as matched from consent_event where address = $1 order by id desc limit 1`,
        [phone],
      );
      expect(rows[0]).toEqual({ action: 'opt_out', campaign_id: null, matched: 'keyword.all_after_partial_opt_out' });
      // Asked once: a second ALL is an ordinary message.
      expect(message(await sms(phone, 'ALL'))).toBeNull();
    });

    it('the offer lapses after CLARIFY_HOLD: a late ALL is an ordinary message', async () => {
      const phone = fresh();
      for (const c of ['promo', 'other']) await optIn(phone, c);
      const stoppedAt = new Date(Date.now() - 30 * 3600_000);
      const stop = await t.post('/v1/inbound/messages', {
        channel: 'sms',
        from: phone,
        to: SENDER,
        body: 'STOP',
        messageId: sid(),
        receivedAt: stoppedAt.toISOString(),
      });
      expect(stop.body.reply).toMatch(/Reply ALL/);
      const all = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'ALL', messageId: sid() });
      expect(all.body).toMatchObject({ intent: 'message', reply: null });
      expect(await decide(phone, 'other')).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it('records each opt-out with its evidence: provider message id, text, sender and rule', async () => {
      const phone = fresh();
      const messageSid = sid();
      await twilioPost({ AccountSid: 'AC123', MessagingServiceSid: 'MG9', MessageSid: messageSid, From: phone, To: SENDER, Body: 'please stop texting me' });
      const { rows } = await t.sql.query(`select * from consent_event where address = $1 order by campaign_id`, [phone]);
      expect(rows.map((r) => [r.campaign_id, r.action, r.source, r.recorded_by])).toEqual([
        ['news', 'opt_out', 'keyword', 'provider:twilio'],
        ['promo', 'opt_out', 'keyword', 'provider:twilio'],
      ]);
      expect(rows[0].evidence).toEqual({
        provider: 'twilio',
        messageId: messageSid,
        text: 'please stop texting me',
        sender: SENDER,
        matched: 'sentence.en.stop_sending',
        accountSid: 'AC123',
        messagingServiceSid: 'MG9',
      });
    });

    it('STOPALL opts out of the whole channel', async () => {
      const phone = fresh();
      await optIn(phone, 'other');
      expect(message(await sms(phone, 'STOP ALL'))).toMatch(/unsubscribed/);
      expect(await decide(phone, 'other')).toMatchObject({ allowed: false, reason: 'opted_out', basis: { scope: 'channel' } });
    });

    it('a STOP to a sender with no configuration covers the whole channel', async () => {
      const phone = fresh();
      await optIn(phone, 'other');
      const res = await twilioPost({ MessageSid: sid(), From: phone, To: BARE_SENDER, Body: 'unsubscribe' });
      expect(message(res)).toMatch(/unsubscribed/);
      expect(await decide(phone, 'other')).toMatchObject({ allowed: false, reason: 'opted_out', basis: { scope: 'channel' } });
    });

    it('a second STOP gets no second confirmation, and START gets the customer back', async () => {
      const phone = fresh();
      await optIn(phone, 'promo');
      expect(message(await sms(phone, 'STOP'))).not.toBeNull();
      const again = await sms(phone, 'stop');
      expect(again.status).toBe(200);
      expect(again.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false });
      const start = await sms(phone, 'START');
      expect(message(start)).toBe('You have been resubscribed to messages from ACME. Reply STOP to unsubscribe.');
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it('answers in the language the customer used', async () => {
      const phone = fresh();
      expect(message(await sms(phone, 'Arrêt'))).toBe('Vous êtes désinscrit et ne recevrez plus de messages de ACME. Répondez START pour vous réabonner.');
      expect(message(await sms(fresh(), 'no más mensajes'))).toMatch(/^Se ha dado de baja/);
    });

    it('HELP gets the help text and changes nothing', async () => {
      const phone = fresh();
      const before = await t.count('consent_event');
      const res = await sms(phone, 'HELP');
      expect(message(res)).toBe('ACME: reply STOP to unsubscribe, START to resubscribe. Message and data rates may apply.');
      expect(await t.count('consent_event')).toBe(before);
    });

    it('a retried webhook (same MessageSid) changes nothing and gets the same answer', async () => {
      const phone = fresh();
      const params = { MessageSid: sid(), From: phone, To: SENDER, Body: 'STOP' };
      const first = await twilioPost(params);
      const events = await t.count('consent_event');
      const retries = await Promise.all([twilioPost(params), twilioPost(params), twilioPost(params)]);
      for (const retry of retries) {
        expect(retry.status).toBe(200);
        expect(retry.text).toBe(first.text);
        expect(retry.headers['idempotent-replayed']).toBe('true');
      }
      expect(await t.count('consent_event')).toBe(events);
    });

    it('a signed START replayed after the customer was erased is still a replay: it opts nobody back in', async () => {
      const phone = fresh();
      expect((await t.put('/v1/customers/erased-replay', { contactPoints: [{ channel: 'sms', address: phone }] })).status).toBe(201);
      await optIn(phone, 'promo');
      const start = { AccountSid: 'AC123', MessageSid: sid(), From: phone, To: SENDER, Body: 'START', NumMedia: '0' };
      const api = { channel: 'sms', from: phone, to: SENDER, body: 'START', messageId: `api-${sid()}` };
      expect((await sms(phone, 'STOP')).status).toBe(200);
      const captured = await twilioPost(start);
      expect(message(captured)).toMatch(/resubscribed/);
      const capturedApi = await t.post('/v1/inbound/messages', api);
      expect(capturedApi.status).toBe(200);
      expect((await sms(phone, 'STOP')).status).toBe(200);
      expect((await t.post('/v1/customers/erased-replay/erasure')).status).toBe(201);
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'suppressed' });

      const events = await t.count('consent_event');
      const replayed = await twilioPost(start);
      expect(replayed.status).toBe(200);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.text).toBe(captured.text);
      const replayedApi = await t.post('/v1/inbound/messages', api);
      expect(replayedApi.status).toBe(200);
      expect(replayedApi.headers['idempotent-replayed']).toBe('true');
      expect(replayedApi.body).toMatchObject({ intent: 'opt_in', matched: capturedApi.body.matched, reply: capturedApi.body.reply });
      expect(await t.count('consent_event')).toBe(events);
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'suppressed' });
      // The same message id with other content is still refused; no row names the number.
      expectProblem(await twilioPost({ ...start, Body: 'START please' }), 409);
      const { rows } = await t.sql.query(`select count(*)::int as n from inbound_message where from_address = $1`, [phone]);
      expect(rows[0].n).toBe(0);

      // A new START from that number is a new opt-in, recorded after the erasure: it counts.
      expect(message(await sms(phone, 'START'))).toMatch(/resubscribed/);
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it('two deliveries of the same message at the same moment write it once and answer alike', async () => {
      for (let round = 0; round < 5; round++) {
        const phone = fresh();
        const params = { MessageSid: sid(), From: phone, To: SENDER, Body: 'STOP' };
        const answers = await Promise.all([twilioPost(params), twilioPost(params), twilioPost(params)]);
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
        expect(new Set(answers.map((a) => a.text)).size).toBe(1);
        expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
        const { rows } = await t.sql.query(`select count(*)::int as n from consent_event where address = $1`, [phone]);
        expect(rows[0].n).toBe(2); // promo and news, once
      }
    });

    it('honours OptOutType, and leaves the reply to Twilio, which has sent its own', async () => {
      const phone = fresh();
      await optIn(phone, 'promo');
      const res = await sms(phone, 'STOP', { OptOutType: 'STOP' });
      expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'opted_out' });
      // A keyword Twilio knows and we do not: OptOutType decides.
      await sms(phone, 'REPRENDRE', { OptOutType: 'START' });
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: true, reason: 'opted_in' });
      const { rows } = await t.sql.query(`select evidence from consent_event where address = $1 and action = 'opt_in' and source = 'keyword'`, [phone]);
      expect(rows[0].evidence).toMatchObject({ matched: 'provider.opt_out_type.start', optOutType: 'START' });
    });

    it('a STOP from an unknown number applies to whoever claims the number later', async () => {
      const phone = fresh();
      await sms(phone, 'STOP');
      expect((await t.put('/v1/customers/late-claimer', { contactPoints: [{ channel: 'sms', address: phone }] })).status).toBe(201);
      const res = await t.post('/v1/decisions', { customerId: 'late-claimer', channel: 'sms', campaignId: 'promo' });
      expect(res.body).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('links the event to the customer who owns the number', async () => {
      const phone = fresh();
      await t.put('/v1/customers/owner-1', { contactPoints: [{ channel: 'sms', address: phone }] });
      await sms(phone, 'STOP');
      const history = await t.get('/v1/customers/owner-1/history');
      expect(history.body.items.map((e: { action: string; customerId: string }) => [e.action, e.customerId])).toContainEqual(['opt_out', 'owner-1']);
    });

    it('reads WhatsApp from the address prefix', async () => {
      const phone = fresh();
      await twilioPost({ MessageSid: sid(), From: `whatsapp:${phone}`, To: `whatsapp:${SENDER}`, Body: 'STOP' });
      expect(await decide(phone, 'promo', 'whatsapp')).toMatchObject({ allowed: false, reason: 'opted_out' });
      // WhatsApp is its own channel: SMS is untouched.
      expect(await decide(phone, 'promo', 'sms')).toMatchObject({ reason: 'no_consent' });
    });

    it('signs over every parameter received, new ones included', async () => {
      const res = await sms(fresh(), 'STOP', { SomeNewTwilioParam: 'x', ApiVersion: '2010-04-01' });
      expect(res.status).toBe(200);
    });

    describe('rejects, writing nothing', () => {
      const params = () => ({ MessageSid: sid(), From: fresh(), To: SENDER, Body: 'STOP' });

      it.each([
        ['a missing signature', (p: Record<string, string>) => twilioPost(p, { signature: null }), 401, 'TWILIO_SIGNATURE.MISSING'],
        ['a wrong signature', (p: Record<string, string>) => twilioPost(p, { signature: 'bm90IGEgc2lnbmF0dXJl' }), 403, 'TWILIO_SIGNATURE.INVALID'],
        [
          'a signature for another URL',
          (p: Record<string, string>) => twilioPost(p, { signUrl: 'https://evil.example.com/v1/inbound/twilio' }),
          403,
          'TWILIO_SIGNATURE.INVALID',
        ],
        [
          'a signature made with another token',
          (p: Record<string, string>) => twilioPost(p, { signature: twilio.getExpectedTwilioSignature('other-token', `${BASE}/v1/inbound/twilio`, p) }),
          403,
          'TWILIO_SIGNATURE.INVALID',
        ],
        [
          'a query string not signed',
          (p: Record<string, string>) => twilioPost(p, { path: '/v1/inbound/twilio?x=1', signUrl: `${BASE}/v1/inbound/twilio` }),
          403,
          'TWILIO_SIGNATURE.INVALID',
        ],
      ])('%s', async (_name, send, status, code) => {
        const before = await snapshotCounts(t);
        const res = await send(params());
        expectProblem(res, status);
        expect(res.body.code).toBe(code);
        expect(await snapshotCounts(t)).toEqual(before);
      });

      it('a body changed after signing', async () => {
        const p = params();
        const signature = twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/v1/inbound/twilio`, p);
        const before = await snapshotCounts(t);
        const res = await t.request('POST', '/v1/inbound/twilio', new URLSearchParams({ ...p, Body: 'START' }).toString(), {
          key: null,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        });
        expectProblem(res, 403);
        expect(await snapshotCounts(t)).toEqual(before);
      });

      it.each([
        ['From', { MessageSid: 'SMx1', To: SENDER, Body: 'STOP' }],
        ['To', { MessageSid: 'SMx2', From: '+14155550100', Body: 'STOP' }],
        ['MessageSid', { From: '+14155550100', To: SENDER, Body: 'STOP' }],
        ['From', { MessageSid: 'SMx3', From: 'not a number', To: SENDER, Body: 'STOP' }],
        ['From', { MessageSid: 'SMx4', From: 'pigeon:+14155550100', To: SENDER, Body: 'STOP' }],
      ])('a signed request with a bad or missing %s', async (field, p) => {
        const before = await snapshotCounts(t);
        const res = await twilioPost(p);
        expectProblem(res, 400, field);
        expect(await snapshotCounts(t)).toEqual(before);
      });

      it('a body over 64 KB', async () => {
        const before = await snapshotCounts(t);
        const res = await twilioPost({ ...params(), Body: 'x'.repeat(70_000) });
        expectProblem(res, 413);
        expect(await snapshotCounts(t)).toEqual(before);
      });

      it.each([
        ['application/json', JSON.stringify({ From: '+14155550100' })],
        ['text/plain', 'Body=STOP'],
        ['application/xml', '<x/>'],
      ])('content type %s', async (type, body) => {
        const before = await snapshotCounts(t);
        const res = await t.request('POST', '/v1/inbound/twilio', body, { key: null, headers: { 'content-type': type, 'x-twilio-signature': 'x' } });
        expectProblem(res, 415);
        expect(await snapshotCounts(t)).toEqual(before);
      });

      it('form bodies anywhere else', async () => {
        const res = await t.request('POST', '/v1/consents', 'channel=sms&action=opt_out', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expectProblem(res, 415);
      });
    });

    it('answers 503 when Twilio is not configured', async () => {
      const bare = await TestApp.start();
      try {
        const res = await bare.request('POST', '/v1/inbound/twilio', 'From=%2B14155550100', {
          key: null,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        });
        expectProblem(res, 503);
        expect(res.body.code).toBe('INBOUND.TWILIO_NOT_CONFIGURED');
      } finally {
        await bare.close();
      }
    });
  });

  describe('POST /v1/inbound/messages', () => {
    const post = (body: Record<string, unknown>, key?: string) =>
      t.post('/v1/inbound/messages', { channel: 'sms', to: SENDER, messageId: sid(), ...body }, { key });

    it('answers intent, matched rule, reply and the events written', async () => {
      const phone = fresh();
      const res = await post({ from: phone, body: 'unsubscribe me' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ intent: 'opt_out', matched: 'keyword.en.unsubscribe', reply: expect.stringContaining('ACME') });
      expect(res.body.effects.map((e: { campaignId: string; action: string }) => [e.campaignId, e.action])).toEqual([
        ['promo', 'opt_out'],
        ['news', 'opt_out'],
      ]);
    });

    it('the same messageId twice changes nothing and returns the same answer; other content is a 409', async () => {
      const phone = fresh();
      const body = { from: phone, body: 'STOP', messageId: sid() };
      const first = await post(body);
      const events = await t.count('consent_event');
      const second = await post(body);
      expect(second.body).toEqual(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await t.count('consent_event')).toBe(events);
      const reused = await post({ ...body, body: 'START' });
      expectProblem(reused, 409, 'messageId');
      expect(await t.count('consent_event')).toBe(events);
    });

    it('concurrent STOP and START resolve by the provider receive time, not by commit order', async () => {
      for (let round = 0; round < 5; round++) {
        const phone = fresh();
        const t0 = Date.now() - 60_000;
        await optIn(phone, 'promo', new Date(t0 - 10_000));
        // The START was received last: it wins, whichever transaction commits last.
        await Promise.all([
          post({ from: phone, body: 'START', receivedAt: new Date(t0 + 1000).toISOString() }),
          post({ from: phone, body: 'STOP', receivedAt: new Date(t0).toISOString() }),
        ]);
        expect(await decide(phone, 'promo')).toMatchObject({ allowed: true });
        // A late-delivered STOP received before the START still loses.
        await post({ from: phone, body: 'STOP', receivedAt: new Date(t0 + 500).toISOString() });
        expect(await decide(phone, 'promo')).toMatchObject({ allowed: true });
        await post({ from: phone, body: 'STOP', receivedAt: new Date(t0 + 2000).toISOString() });
        expect(await decide(phone, 'promo')).toMatchObject({ allowed: false });
      }
    });

    it('needs the inbound:write scope', async () => {
      const key = (await t.post('/v1/api-keys', { name: 'reader', scopes: ['consents:read'] })).body.secret;
      expectProblem(await post({ from: fresh(), body: 'STOP' }, key), 403);
      const writer = (await t.post('/v1/api-keys', { name: 'inbound', scopes: ['inbound:write'] })).body.secret;
      const res = await post({ from: fresh(), body: 'STOP' }, writer);
      expect(res.status).toBe(200);
      expect(res.body.effects[0].recordedBy).toMatch(/^api_key:/);
    });

    it.each([
      [{ from: 'nope', body: 'STOP' }, 'from'],
      [{ from: '+14155550100', body: 'STOP', channel: 'fax' }, 'channel'],
      [{ from: '+14155550100', body: 'STOP', to: '<script>' }, 'to'],
      [{ from: '+14155550100', body: 'STOP', messageId: '' }, 'messageId'],
      [{ from: '+14155550100', body: 7 }, 'body'],
      [{ from: '+14155550100', body: 'x'.repeat(5001) }, 'body'],
      [{ from: '+14155550100', body: 'STOP', receivedAt: 'yesterday' }, 'receivedAt'],
      [{ from: '+14155550100', body: 'STOP', receivedAt: '2099-01-01T00:00:00Z' }, 'receivedAt'],
      [{ from: '+14155550100', body: 'STOP', extra: 1 }, 'extra'],
    ])('rejects bad input %#, naming the field and writing nothing', async (body, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await post(body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });
  });

  describe('service windows', () => {
    const post = (body: Record<string, unknown>) => t.post('/v1/inbound/messages', { channel: 'sms', to: SENDER, messageId: sid(), ...body });

    it('a message from the customer opens a window for conversational replies on that channel only', async () => {
      const phone = fresh();
      expect(await decide(phone, 'support')).toMatchObject({ allowed: false, reason: 'no_consent' });
      const res = await post({ from: phone, body: 'hi, where is my order?' });
      expect(res.body).toMatchObject({ intent: 'message', matched: 'none', reply: null });
      const [window] = res.body.effects;
      expect(window).toMatchObject({ action: 'service_window', source: 'conversation', channel: 'sms', campaignId: null });
      expect(Date.parse(window.expiresAt) - Date.parse(window.occurredAt)).toBe(24 * 3600_000);
      expect(await decide(phone, 'support')).toMatchObject({
        allowed: true,
        outcome: 'allow',
        reason: 'service_window',
        basis: { eventId: window.id, action: 'service_window', expiresAt: window.expiresAt },
      });
      // Marketing still needs an opt-in; another channel has no window.
      expect(await decide(phone, 'promo')).toMatchObject({ allowed: false, reason: 'no_consent' });
      expect(await decide(phone, 'support', 'whatsapp')).toMatchObject({ allowed: false, reason: 'no_consent' });
      // The same answers in a batch.
      const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'support', recipients: [{ address: phone }, { address: fresh() }] });
      expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['service_window', 'no_consent']);
    });

    it('closes SERVICE_WINDOW after the last message, and each message restarts it', async () => {
      const hour = 3600_000;
      const ago = (hours: number) => new Date(Date.now() - hours * hour).toISOString();
      const expired = fresh();
      await post({ from: expired, body: 'hello', receivedAt: ago(25) });
      expect(await decide(expired, 'support')).toMatchObject({ allowed: false, reason: 'no_consent' });
      const restarted = fresh();
      await post({ from: restarted, body: 'hello', receivedAt: ago(30) });
      await post({ from: restarted, body: 'are you there?', receivedAt: ago(23) });
      expect(await decide(restarted, 'support')).toMatchObject({ allowed: true, reason: 'service_window' });
    });

    it('replays exactly with at: open while it was, closed before it was recorded', async () => {
      const phone = fresh();
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      const window = (await post({ from: phone, body: 'hello' })).body.effects[0];
      expect(await decide(phone, 'support', 'sms', window.recordedAt)).toMatchObject({ reason: 'service_window' });
      expect(await decide(phone, 'support', 'sms', before)).toMatchObject({ reason: 'no_consent' });
    });

    it('closes after SERVICE_WINDOW as configured', async () => {
      const short = await TestApp.start({ SERVICE_WINDOW: 'PT1S' });
      try {
        await short.put('/v1/campaigns/support', { name: 'support', purpose: 'conversational', channels: ['sms'] });
        const phone = fresh();
        const res = await short.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'hello', messageId: sid() });
        const { expiresAt, occurredAt } = res.body.effects[0];
        expect(Date.parse(expiresAt) - Date.parse(occurredAt)).toBe(1000);
        const ask = () => short.post('/v1/decisions', { address: phone, channel: 'sms', campaignId: 'support' });
        expect((await ask()).body.reason).toBe('service_window');
        await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
        expect((await ask()).body).toMatchObject({ allowed: false, reason: 'no_consent' });
      } finally {
        await short.close();
      }
    });

    it('never overrides an opt-out', async () => {
      const phone = fresh();
      await post({ from: phone, body: 'STOP ALL' });
      await post({ from: phone, body: 'thanks, bye' });
      expect(await decide(phone, 'support')).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('opens for the customer asked about by id, on any of their numbers', async () => {
      const phone = fresh();
      await t.put('/v1/customers/chatty', { contactPoints: [{ channel: 'sms', address: phone }] });
      await post({ from: phone, body: 'hello' });
      const res = await t.post('/v1/decisions', { customerId: 'chatty', channel: 'sms', campaignId: 'support' });
      expect(res.body).toMatchObject({ allowed: true, reason: 'service_window' });
    });

    it('shows in the history but not in the consent state', async () => {
      const phone = fresh();
      await t.put('/v1/customers/windowed', { contactPoints: [{ channel: 'sms', address: phone }] });
      await post({ from: phone, body: 'hello' });
      const history = await t.get('/v1/customers/windowed/history');
      expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(['service_window']);
      expect((await t.get('/v1/customers/windowed/consents')).body).toEqual([]);
    });
  });

  describe('PUT /v1/senders/{address}', () => {
    it('adds keywords and reply texts per language', async () => {
      const sender = '+14155550997';
      const put = await t.put(`/v1/senders/${sender}`, {
        campaignIds: ['other'],
        language: 'fr',
        keywords: { fr: { optOut: ['assez'] } },
        replies: { fr: { optOut: 'Fini, {brand} ne vous écrira plus. Répondez START pour revenir.' } },
      });
      expect(put.status).toBe(201);
      expect(put.body).toMatchObject({ address: sender, campaignIds: ['other'], language: 'fr', keywords: { fr: { optOut: ['ASSEZ'] } } });
      expect((await t.get(`/v1/senders/${sender}`)).body).toEqual(put.body);
      const phone = fresh();
      const res = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: sender, body: 'Assez !', messageId: sid() });
      expect(res.body).toMatchObject({
        intent: 'opt_out',
        matched: 'sender_keyword.fr.assez',
        reply: 'Fini, ACME ne vous écrira plus. Répondez START pour revenir.',
      });
      expect(res.body.effects.map((e: { campaignId: string }) => e.campaignId)).toEqual(['other']);
      // The same word to another sender is an ordinary message.
      const elsewhere = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'Assez !', messageId: sid() });
      expect(elsewhere.body.intent).toBe('message');
    });

    it('applies a changed configuration to the very next message, and deleting it makes STOP channel-wide again', async () => {
      const sender = '12345';
      const stopTargets = async () => {
        const res = await t.post('/v1/inbound/messages', { channel: 'sms', from: fresh(), to: sender, body: 'STOP', messageId: sid() });
        return res.body.effects.map((e: { campaignId: string | null }) => e.campaignId);
      };
      expect(await stopTargets()).toEqual([null]);
      expect((await t.put(`/v1/senders/${sender}`, { campaignIds: ['promo'] })).status).toBe(201);
      expect(await stopTargets()).toEqual(['promo']);
      expect((await t.put(`/v1/senders/${sender}`, { campaignIds: ['news', 'other'] })).body.campaignIds).toEqual(['news', 'other']);
      expect(await stopTargets()).toEqual(['news', 'other']);
      expect((await t.delete(`/v1/senders/${sender}`)).status).toBe(204);
      expectProblem(await t.get(`/v1/senders/${sender}`), 404);
      expect(await stopTargets()).toEqual([null]);
    });

    it.each([
      [{ campaignIds: ['promo'], keywords: { en: { optIn: ['STOP'] } } }, 422, 'keywords.en.optIn.0'],
      [{ campaignIds: ['promo'], keywords: { en: { help: ['opt out'] } } }, 422, 'keywords.en.help.0'],
      [{ campaignIds: ['promo'], keywords: { en: { optIn: ['GO'], optOut: ['go'] } } }, 422, 'keywords.en.optOut.0'],
      [{ campaignIds: ['nope'] }, 422, 'campaignIds.0'],
      [{ campaignIds: ['promo'], keywords: { 'not a tag!': { optOut: ['X'] } } }, 400, 'keywords.not a tag!'],
      [{ campaignIds: ['promo'], keywords: { en: { stop: ['X'] } } }, 400, 'keywords.en.stop'],
      [{ campaignIds: ['promo'], keywords: { en: { optOut: ['!!!'] } } }, 400, 'keywords.en.optOut.0'],
      [{ campaignIds: ['promo'], keywords: { en: { optOut: 'X' } } }, 400, 'keywords.en.optOut'],
      [{ campaignIds: ['promo'], replies: { en: { optOut: 'x'.repeat(641) } } }, 400, 'replies.en.optOut'],
      ['{"campaignIds":["promo"],"replies":{"__proto__":{"optOut":"x"}}}', 400, undefined],
      ['{"campaignIds":["promo"],"keywords":{"en":{"constructor":["x"]}}}', 400, undefined],
      [{ campaignIds: ['promo'], language: 'english please' }, 400, 'language'],
      [{ campaignIds: 'promo' }, 400, 'campaignIds'],
      [{ campaignIds: ['promo'], keywords: ['STOP'] }, 400, 'keywords'],
      [{}, 400, 'campaignIds'],
    ])('rejects bad configuration %#, naming the field and writing nothing', async (body, status, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await t.put('/v1/senders/+14155550996', body), status, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('rejects a bad sender address', async () => {
      expectProblem(await t.put('/v1/senders/<script>', { campaignIds: [] }), 400, 'address');
    });
  });
});
