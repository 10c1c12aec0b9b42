/**
 * "Revoke all" (FCC 47 CFR 64.1200(a)(10)): from REVOKE_ALL_FROM, an opt-out from one campaign
 * revokes every marketing campaign of the brand on that channel; transactional messages go on;
 * before that date an opt-out keeps its scope, and replays with `at` answer by the rule then.
 */
import { TestApp } from './support/test-app';

const SINCE = '2026-06-01';

describe('revoke all', () => {
  let t: TestApp;
  let defaults: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ REVOKE_ALL_FROM: SINCE });
    defaults = await TestApp.attach(t);
    for (const [id, purpose] of [
      ['promo', 'marketing'],
      ['news', 'marketing'],
      ['alerts', 'transactional'],
    ])
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose, channels: ['sms', 'email'] })).status).toBe(201);
  });
  afterAll(async () => {
    await defaults?.close();
    await t?.close();
  });

  let n = 0;
  const number = () => `+1415555${String(3000 + ++n)}`;
  const record = async (address: string, campaignId: string, action: 'opt_in' | 'opt_out', occurredAt: string, channel = 'sms') =>
    expect((await t.post('/v1/consents', { address, channel, campaignId, action, source: 'api', occurredAt })).status).toBe(201);
  /** As if each event had been recorded when it happened, and the campaigns existed then (replays read what was recorded by then). */
  const recordedWhenTheyHappened = async () => {
    await t.asInsider(`update campaign_version set valid_from = '2024-01-01' where campaign_id in ('promo', 'news', 'alerts')`);
    await t.asInsider(`update consent_event set recorded_at = occurred_at where occurred_at < now() - interval '1 hour'`);
  };
  const decide = async (app: TestApp, address: string, campaignId: string, at?: string, channel = 'sms') => {
    const res = await app.post('/v1/decisions', { address, channel, campaignId, ...(at ? { at } : {}) });
    expect(res.status).toBe(200);
    return res.body as { allowed: boolean; reason: string; basis: { campaignId?: string; eventId: string } | null };
  };
  const reasons = async (address: string, at?: string) =>
    Object.fromEntries(await Promise.all(['promo', 'news', 'alerts'].map(async (c) => [c, (await decide(t, address, c, at)).reason])));

  it('before REVOKE_ALL_FROM, an opt-out keeps its scope: the other marketing campaigns go on', async () => {
    const a = number();
    await record(a, 'promo', 'opt_in', '2026-01-01T00:00:00Z');
    await record(a, 'news', 'opt_in', '2026-01-01T00:00:00Z');
    await record(a, 'promo', 'opt_out', '2026-03-01T00:00:00Z');
    await recordedWhenTheyHappened();
    expect(await reasons(a)).toEqual({ promo: 'opted_out', news: 'opted_in', alerts: 'no_objection' });
    expect(await reasons(a, '2026-04-01T00:00:00Z')).toEqual({ promo: 'opted_out', news: 'opted_in', alerts: 'no_objection' });
  });

  it('from REVOKE_ALL_FROM, an opt-out from one campaign stops every marketing campaign on the channel, not transactional ones', async () => {
    const b = number();
    await record(b, 'promo', 'opt_in', '2026-01-01T00:00:00Z');
    await record(b, 'news', 'opt_in', '2026-01-01T00:00:00Z');
    await record('b@example.com', 'news', 'opt_in', '2026-01-01T00:00:00Z', 'email');
    await record(b, 'promo', 'opt_out', '2026-07-01T00:00:00Z');
    await recordedWhenTheyHappened();
    expect(await reasons(b)).toEqual({ promo: 'opted_out', news: 'opted_out', alerts: 'no_objection' });
    // The basis names the opt-out that revoked it.
    expect((await decide(t, b, 'news')).basis).toMatchObject({ action: 'opt_out', scope: 'campaign' });
    // Another channel is another matter.
    expect((await decide(t, 'b@example.com', 'news', undefined, 'email')).reason).toBe('opted_in');
    // A replay before the opt-out: everything was allowed.
    expect(await reasons(b, '2026-06-15T00:00:00Z')).toEqual({ promo: 'opted_in', news: 'opted_in', alerts: 'no_objection' });
    // The batch answers the same.
    const batch = await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'news', recipients: [{ address: b }] });
    expect(batch.body.results[0]).toMatchObject({ allowed: false, reason: 'opted_out' });
  });

  it('a later opt-in to one campaign brings that campaign back, and only it', async () => {
    const c = number();
    await record(c, 'promo', 'opt_in', '2026-01-01T00:00:00Z');
    await record(c, 'news', 'opt_in', '2026-01-01T00:00:00Z');
    await record(c, 'promo', 'opt_out', '2026-07-01T00:00:00Z');
    await record(c, 'news', 'opt_in', '2026-08-01T00:00:00Z');
    await recordedWhenTheyHappened();
    expect(await reasons(c)).toEqual({ promo: 'opted_out', news: 'opted_in', alerts: 'no_objection' });
  });

  it('with the default REVOKE_ALL_FROM (2027-01-31), an opt-out today keeps its scope', async () => {
    expect(defaults.config.revokeAllFrom.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    const d = number();
    await record(d, 'promo', 'opt_in', '2026-01-01T00:00:00Z');
    await record(d, 'news', 'opt_in', '2026-01-01T00:00:00Z');
    await record(d, 'promo', 'opt_out', new Date().toISOString());
    expect((await decide(defaults, d, 'news')).reason).toBe('opted_in');
    expect((await decide(defaults, d, 'promo')).reason).toBe('opted_out');
    expect((await decide(t, d, 'news')).reason).toBe('opted_out');
  });

  it('through a STOP reply: from the date one confirmation and everything stops; before it, the offer to stop all and the rest goes on', async () => {
    expect((await t.put('/v1/senders/+14155550777', { campaignIds: ['promo'] })).status).toBe(201);
    const stop = async (from: string, receivedAt: string) => {
      const res = await t.post('/v1/inbound/messages', { channel: 'sms', from, to: '+14155550777', body: 'STOP', messageId: `SM-ra-${++n}`, receivedAt });
      expect(res.status).toBe(200);
      return res.body as { reply: string | null };
    };
    const after = number();
    const before = number();
    for (const a of [after, before]) {
      await record(a, 'promo', 'opt_in', '2026-01-01T00:00:00Z');
      await record(a, 'news', 'opt_in', '2026-01-01T00:00:00Z');
    }
    expect((await stop(after, '2026-07-01T00:00:00Z')).reply).toBe(
      'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.',
    );
    expect((await stop(before, '2026-05-01T00:00:00Z')).reply).toMatch(
      /^You will receive no more of these messages from us\..* Reply ALL to stop every message from us\.$/,
    );
    expect(await reasons(after)).toEqual({ promo: 'opted_out', news: 'opted_out', alerts: 'no_objection' });
    expect(await reasons(before)).toEqual({ promo: 'opted_out', news: 'opted_in', alerts: 'no_objection' });
  });
});
