import { expectProblem, snapshotCounts, TestApp } from './support/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An Etc/GMT zone in which the wall clock now reads `hour` (Etc/GMT+N is UTC-N). */
function zoneWhereItIs(hour: number, now = new Date()): { zone: string; offsetHours: number } {
  let offset = hour - now.getUTCHours();
  if (offset > 12) offset -= 24;
  if (offset < -12) offset += 24;
  return { zone: offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`, offsetHours: offset };
}

describe('send-time preferences', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    for (const [id, purpose, jurisdictions] of [
      ['promo', 'marketing', []],
      ['otp', 'transactional', []],
      ['tcpa', 'marketing', ['us-tcpa']],
      ['fr', 'marketing', ['fr-demarchage']],
    ] as const) {
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels: ['sms', 'email'], jurisdictions })).status).toBe(201);
    }
  });
  afterAll(() => t.close());

  let seq = 0;
  const fresh = () => `+1415555${String(5000 + ++seq).padStart(4, '0')}`;
  const customer = async (timezone?: string) => {
    const id = `pref-${++seq}`;
    const phone = fresh();
    expect((await t.put(`/v1/customers/${id}`, { contactPoints: [{ channel: 'sms', address: phone }], ...(timezone ? { timezone } : {}) })).status).toBe(201);
    for (const campaignId of ['promo', 'tcpa', 'fr']) {
      expect((await t.post('/v1/consents', { customerId: id, channel: 'sms', campaignId, action: 'opt_in', source: 'api' })).status).toBe(201);
    }
    return { id, phone };
  };
  const decide = async (body: Record<string, unknown>) => {
    const res = await t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', ...body });
    expect(res.status).toBe(200);
    return res.body;
  };

  describe('PUT /v1/customers/{id}/preferences', () => {
    it('replaces them, returns them, and records the change in the history', async () => {
      const { id } = await customer('Europe/Paris');
      const body = {
        channels: { sms: { enabled: false } },
        preferredChannels: ['email', 'sms'],
        quietHours: { start: '21:00', end: '08:00', days: [1, 2, 3, 4, 5] },
        maxMessages: { marketing: { count: 3, per: 'P1D' } },
      };
      const put = await t.put(`/v1/customers/${id}/preferences`, body);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ customerId: id, ...body });
      expect((await t.get(`/v1/customers/${id}/preferences`)).body).toEqual(put.body);
      const history = (await t.get(`/v1/customers/${id}/history`)).body.items;
      expect(history[0]).toMatchObject({
        action: 'preferences_changed',
        channel: '*',
        customerId: id,
        evidence: { preferences: { preferredChannels: ['email', 'sms'] } },
      });
      // Replaced, not merged.
      expect((await t.put(`/v1/customers/${id}/preferences`, {})).body).toMatchObject({
        channels: {},
        preferredChannels: [],
        quietHours: null,
        maxMessages: null,
      });
    });

    it('has defaults for a customer who never set any, and 404s for an unknown customer', async () => {
      const { id } = await customer();
      expect((await t.get(`/v1/customers/${id}/preferences`)).body).toMatchObject({ channels: {}, preferredChannels: [], quietHours: null, updatedAt: null });
      expectProblem(await t.get('/v1/customers/nobody/preferences'), 404);
      expectProblem(await t.put('/v1/customers/nobody/preferences', {}), 404);
    });

    it.each([
      [{ channels: { fax: { enabled: false } } }, 'channels.fax'],
      [{ channels: { sms: { enabled: 'no' } } }, 'channels.sms'],
      [{ channels: { sms: false } }, 'channels.sms'],
      [{ channels: ['sms'] }, 'channels'],
      [{ preferredChannels: ['sms', 'sms'] }, 'preferredChannels'],
      [{ preferredChannels: ['pigeon'] }, 'preferredChannels'],
      [{ quietHours: { start: '9pm', end: '08:00' } }, 'quietHours.start'],
      [{ quietHours: { start: '21:00', end: '25:00' } }, 'quietHours.end'],
      [{ quietHours: { start: '21:00', end: '21:00' } }, 'quietHours.end'],
      [{ quietHours: { start: '21:00', end: '08:00', days: [0] } }, 'quietHours.days'],
      [{ quietHours: { start: '21:00' } }, 'quietHours.end'],
      [{ maxMessages: { marketing: { count: 0, per: 'P1D' } } }, 'maxMessages.marketing.count'],
      [{ maxMessages: { marketing: { count: 3, per: 'daily' } } }, 'maxMessages.marketing.per'],
      [{ maxMessages: { spam: { count: 3, per: 'P1D' } } }, 'maxMessages.spam'],
      [{ colour: 'blue' }, 'colour'],
      [{ pausedUntil: 'next week' }, 'pausedUntil'],
      [{ pausedUntil: '2020-01-01T00:00:00Z' }, 'pausedUntil'],
      [{ pausedUntil: new Date(Date.now() + 400 * 24 * HOUR).toISOString() }, 'pausedUntil'],
    ])('rejects bad preferences %#, naming the field and writing nothing', async (body, field) => {
      const { id } = await customer();
      const before = await snapshotCounts(t);
      expectProblem(await t.put(`/v1/customers/${id}/preferences`, body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });
  });

  describe('decisions', () => {
    it('deny a channel the customer switched off, whatever the consent, but an opt-out stays an opt-out', async () => {
      const { id, phone } = await customer();
      expect(await decide({ customerId: id })).toMatchObject({ allowed: true });
      await t.put(`/v1/customers/${id}/preferences`, { channels: { sms: { enabled: false } } });
      expect(await decide({ customerId: id })).toMatchObject({ allowed: false, outcome: 'deny', reason: 'channel_disabled' });
      expect(await decide({ address: phone })).toMatchObject({ reason: 'channel_disabled' });
      expect(await decide({ customerId: id, campaignId: 'otp' })).toMatchObject({ reason: 'channel_disabled' });
      await t.post('/v1/consents', { customerId: id, channel: 'sms', action: 'opt_out', source: 'api' });
      expect(await decide({ customerId: id })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('defer marketing while the customer has paused it, until the pause ends; other purposes go on', async () => {
      const { id, phone } = await customer();
      const until = new Date(Date.now() + 30 * 24 * HOUR).toISOString();
      const put = await t.put(`/v1/customers/${id}/preferences`, { pausedUntil: until });
      expect(put.body).toMatchObject({ pausedUntil: until });
      expect((await t.get(`/v1/customers/${id}/preferences`)).body).toMatchObject({ pausedUntil: until });
      for (const who of [{ customerId: id }, { address: phone }]) {
        expect(await decide(who)).toMatchObject({ allowed: false, outcome: 'defer', reason: 'paused', nextAllowedAt: until, blockedBy: ['paused'] });
      }
      expect(await decide({ customerId: id, campaignId: 'otp' })).toMatchObject({ allowed: true });
      // Left out of the next PUT: the pause is over.
      await t.put(`/v1/customers/${id}/preferences`, {});
      expect(await decide({ customerId: id })).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it('defer marketing inside quiet hours, with the exact instant they end', async () => {
      const { zone } = zoneWhereItIs(3);
      const { id } = await customer(zone);
      const now = Date.now();
      const start = new Date(now - HOUR);
      const end = new Date(now + HOUR);
      const clock = (d: Date) =>
        `${String((d.getUTCHours() + 3 - new Date(now).getUTCHours() + 24) % 24).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
      await t.put(`/v1/customers/${id}/preferences`, { quietHours: { start: clock(start), end: clock(end) } });
      const d = await decide({ customerId: id });
      expect(d).toMatchObject({ allowed: false, outcome: 'defer', reason: 'quiet_hours', blockedBy: ['quiet_hours'] });
      expect(Date.parse(d.nextAllowedAt)).toBe(Math.floor(end.getTime() / MINUTE) * MINUTE);
      // Transactional messages are not held by the customer's quiet hours.
      expect(await decide({ customerId: id, campaignId: 'otp' })).toMatchObject({ allowed: true });
    });

    it('replay the preferences in force at the instant asked about', async () => {
      const { id } = await customer();
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await t.put(`/v1/customers/${id}/preferences`, { channels: { sms: { enabled: false } } });
      expect(await decide({ customerId: id })).toMatchObject({ reason: 'channel_disabled' });
      expect(await decide({ customerId: id, at: before })).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it("apply jurisdiction windows in the recipient's time zone: us-tcpa", async () => {
      const night = zoneWhereItIs(3);
      const day = zoneWhereItIs(12);
      const asleep = await customer(night.zone);
      const awake = await customer(day.zone);
      const deferred = await decide({ customerId: asleep.id, campaignId: 'tcpa' });
      expect(deferred).toMatchObject({ allowed: false, outcome: 'defer', reason: 'quiet_hours', blockedBy: ['us-tcpa'] });
      // 08:00 local is five hours after 03:xx local.
      const localNow = new Date(Date.now() + night.offsetHours * HOUR);
      const expected = Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate(), 8) - night.offsetHours * HOUR;
      expect(Date.parse(deferred.nextAllowedAt)).toBe(expected);
      expect(await decide({ customerId: awake.id, campaignId: 'tcpa' })).toMatchObject({ allowed: true });
      // Consent outranks the window: no consent is a deny, not a defer.
      expect(await decide({ address: fresh(), campaignId: 'tcpa' })).toMatchObject({ outcome: 'deny', reason: 'no_consent' });
    });

    it('read the time zone from the phone number when the customer has none', async () => {
      // A French mobile number with consent, no customer: Europe/Paris decides fr-demarchage.
      const phone = '+33612345678';
      await t.post('/v1/consents', { address: phone, channel: 'sms', campaignId: 'fr', action: 'opt_in', source: 'api' });
      const d = await decide({ address: phone, campaignId: 'fr' });
      const { sendWindow } = await import('../src/jurisdictions/send-window');
      const { jurisdictionRule } = await import('../src/jurisdictions/laws');
      const expected = sendWindow([jurisdictionRule('fr-demarchage', 'Europe/Paris')], new Date());
      expect(d.allowed).toBe(expected.allowed);
      if (!expected.allowed) expect(d).toMatchObject({ outcome: 'defer', nextAllowedAt: expected.nextAllowedAt!.toISOString(), blockedBy: ['fr-demarchage'] });
    });

    it('give the same answers in a batch, in one request', async () => {
      const night = zoneWhereItIs(3);
      const asleep = await customer(night.zone);
      const off = await customer();
      await t.put(`/v1/customers/${off.id}/preferences`, { channels: { sms: { enabled: false } } });
      const awake = await customer(zoneWhereItIs(12).zone);
      const recipients = [{ customerId: asleep.id }, { customerId: off.id }, { customerId: awake.id }, { address: asleep.phone }, { address: fresh() }];
      const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'tcpa', recipients });
      expect(batch.status).toBe(200);
      for (const [i, r] of recipients.entries()) {
        const single = await decide({ ...r, campaignId: 'tcpa' });
        const { decidedAt: _d, at: _a, decisionId: _id, ...expected } = single;
        expect({ i, ...batch.body.results[i] }).toMatchObject({ i, ...expected });
      }
      expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['quiet_hours', 'channel_disabled', 'opted_in', 'quiet_hours', 'no_consent']);
    });
  });

  describe('frequency caps and sends', () => {
    const send = (body: Record<string, unknown>) => t.post('/v1/sends', { channel: 'sms', campaignId: 'promo', sentAt: new Date().toISOString(), ...body });

    it('count messages actually sent, and defer until the oldest leaves the window', async () => {
      const { id } = await customer();
      await t.put(`/v1/customers/${id}/preferences`, { maxMessages: { marketing: { count: 2, per: 'PT1H' } } });
      const first = new Date(Date.now() - 50 * MINUTE);
      expect((await send({ customerId: id, messageId: `m-${id}-1`, sentAt: first.toISOString() })).status).toBe(201);
      expect(await decide({ customerId: id })).toMatchObject({ allowed: true });
      const decision = await decide({ customerId: id });
      expect((await send({ customerId: id, messageId: `m-${id}-2`, decisionId: decision.decisionId })).status).toBe(201);
      const capped = await decide({ customerId: id });
      expect(capped).toMatchObject({ allowed: false, outcome: 'defer', reason: 'frequency_cap', blockedBy: ['max_messages'] });
      expect(Date.parse(capped.nextAllowedAt)).toBe(first.getTime() + HOUR);
      // Another purpose is not capped by the marketing cap.
      expect(await decide({ customerId: id, campaignId: 'otp' })).toMatchObject({ allowed: true });
      // Sends are evidence: the history names the decision.
      const history = (await t.get(`/v1/customers/${id}/history`)).body.items;
      expect(history.filter((e: { action: string }) => e.action === 'message_sent').map((e: { evidence: unknown }) => e.evidence)).toContainEqual({
        messageId: `m-${id}-2`,
        decisionId: decision.decisionId,
      });
    });

    it('are recorded once per messageId', async () => {
      const { id } = await customer();
      const body = { customerId: id, messageId: `once-${id}` };
      expect((await send(body)).status).toBe(201);
      const events = await t.count('consent_event');
      const again = await send(body);
      expect(again.status).toBe(200);
      expect(await t.count('consent_event')).toBe(events);
    });

    it('reserve: 20 senders asking at once against a cap of 3 get exactly 3 through', async () => {
      const { id } = await customer();
      await t.put(`/v1/customers/${id}/preferences`, { maxMessages: { marketing: { count: 3, per: 'P1D' } } });
      const answers = await Promise.all(Array.from({ length: 20 }, () => decide({ customerId: id, reserve: true })));
      expect(answers.filter((a) => a.allowed)).toHaveLength(3);
      expect(answers.filter((a) => a.reason === 'frequency_cap')).toHaveLength(17);
      // Sending under a reserved decision does not count twice.
      const reserved = answers.find((a) => a.allowed)!;
      expect((await send({ customerId: id, messageId: `r-${id}`, decisionId: reserved.decisionId })).status).toBe(201);
      const { rows } = await t.sql.query(`select kind, count(*)::int as n from send where customer_id = $1 group by kind order by kind`, [id]);
      expect(rows).toEqual([
        { kind: 'reserved', n: 2 },
        { kind: 'sent', n: 1 },
      ]);
    });

    it('us-fl: 3 messages per 24 hours on the same campaign', async () => {
      await t.put('/v1/campaigns/fl', { name: 'fl', purpose: 'marketing', channels: ['sms'], jurisdictions: ['us-fl'] });
      const { id } = await customer(zoneWhereItIs(12).zone);
      await t.post('/v1/consents', { customerId: id, channel: 'sms', campaignId: 'fl', action: 'opt_in', source: 'api' });
      for (let i = 0; i < 3; i++) {
        expect(await decide({ customerId: id, campaignId: 'fl' })).toMatchObject({ allowed: true });
        await send({ customerId: id, campaignId: 'fl', messageId: `fl-${id}-${i}` });
      }
      expect(await decide({ customerId: id, campaignId: 'fl' })).toMatchObject({ outcome: 'defer', reason: 'frequency_cap', blockedBy: ['us-fl'] });
      const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'fl', recipients: [{ customerId: id }, { address: fresh() }] });
      expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['frequency_cap', 'no_consent']);
    });

    it.each([
      [{ messageId: 'x', sentAt: 'now' }, 'sentAt'],
      [{ messageId: '', customerId: 'c' }, 'messageId'],
      [{ messageId: 'x', customerId: 'c', decisionId: 'nope' }, 'decisionId'],
      [{ messageId: 'x', address: 'nope' }, 'address'],
      [{ messageId: 'x' }, 'customerId'],
      [{ messageId: 'x', customerId: 'c', sentAt: '2099-01-01T00:00:00Z' }, 'sentAt'],
    ])('reject bad sends %#, naming the field and writing nothing', async (body, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await send(body), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('reserve cannot replay', async () => {
      expectProblem(
        await t.post('/v1/decisions', { channel: 'sms', campaignId: 'promo', customerId: 'x', reserve: true, at: new Date(Date.now() - 1000).toISOString() }),
        400,
        'reserve',
      );
    });
  });

  describe('decisions without a channel', () => {
    it("name the best channel allowed now, the customer's preferred first, with the reasons for the others", async () => {
      const id = `chooser-${++seq}`;
      await t.put(`/v1/customers/${id}`, {
        contactPoints: [
          { channel: 'sms', address: fresh() },
          { channel: 'email', address: `${id}@example.com` },
        ],
      });
      await t.post('/v1/consents', { customerId: id, channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
      await t.post('/v1/consents', { customerId: id, channel: 'email', campaignId: 'promo', action: 'opt_in', source: 'api' });
      await t.put(`/v1/customers/${id}/preferences`, { preferredChannels: ['email', 'sms'] });
      const res = await t.post('/v1/decisions', { customerId: id, campaignId: 'promo' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        allowed: true,
        channel: 'email',
        alternatives: [
          { channel: 'email', allowed: true },
          { channel: 'sms', allowed: true },
        ],
      });
      // Email switched off: SMS is the best left.
      await t.put(`/v1/customers/${id}/preferences`, { preferredChannels: ['email', 'sms'], channels: { email: { enabled: false } } });
      const next = await t.post('/v1/decisions', { customerId: id, campaignId: 'promo' });
      expect(next.body).toMatchObject({
        allowed: true,
        channel: 'sms',
        alternatives: [
          { channel: 'email', reason: 'channel_disabled' },
          { channel: 'sms', reason: 'opted_in' },
        ],
      });
      // Nothing allowed: a deny that names no channel.
      await t.post('/v1/consents', { customerId: id, channel: 'sms', action: 'opt_out', source: 'api' });
      const none = await t.post('/v1/decisions', { customerId: id, campaignId: 'promo' });
      expect(none.body).toMatchObject({ allowed: false, outcome: 'deny', channel: null });
      expect(none.body.alternatives.map((a: { reason: string }) => a.reason)).toEqual(['channel_disabled', 'opted_out']);
    });

    it('reach an address only on the channels that can', async () => {
      const res = await t.post('/v1/decisions', { address: 'someone@example.com', campaignId: 'promo' });
      expect(res.body.alternatives.map((a: { channel: string }) => a.channel)).toEqual(['email']);
    });
  });
});
