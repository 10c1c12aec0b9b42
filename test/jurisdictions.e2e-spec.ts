/**
 * State laws through the API: `us-states` applies the recipient's state's hours and caps, the
 * state taken from the customer's region or the number's area code; replays with `at` answer by
 * the law in force then; GET /v1/jurisdictions lists what is enforced.
 */
import { expectProblem, TestApp } from './support/test-app';

/** A fixed-offset zone where it is now about `hour` o'clock: time rules then allow (or not) whenever the test runs. */
function zoneWhereItIs(hour: number, now = new Date()): string {
  let offset = hour - now.getUTCHours();
  if (offset > 12) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

describe('state laws on send times and caps', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/deals', { name: 'Deals', purpose: 'marketing', channels: ['sms'], jurisdictions: ['us-states'] });
    await t.put('/v1/campaigns/news', { name: 'News', purpose: 'marketing', channels: ['sms'], jurisdictions: ['us-states'] });
  });
  afterAll(() => t.close());

  const optIn = async (who: { customerId?: string; address?: string }, campaignId: string) =>
    expect(
      (await t.post('/v1/consents', { ...who, channel: 'sms', campaignId, action: 'opt_in', source: 'api', occurredAt: '2024-01-01T00:00:00Z' })).status,
    ).toBe(201);
  /** History as if recorded long ago, for replays with `at` (a fixture written as an insider would). */
  const recordedLongAgo = async () => {
    await t.asInsider(`update campaign_version set valid_from = '2024-01-01' where campaign_id in ('deals', 'news')`);
    await t.asInsider(`update consent_event set recorded_at = occurred_at where occurred_at < '2025-01-01'`);
  };
  const decide = async (who: { customerId?: string; address?: string }, campaignId: string, at?: string) => {
    const res = await t.post('/v1/decisions', { ...who, channel: 'sms', campaignId, ...(at ? { at } : {}) });
    expect(res.status).toBe(200);
    return res.body;
  };
  const sendNow = async (who: { customerId?: string; address?: string }, campaignId: string, minutesAgo: number) =>
    expect(
      (
        await t.post('/v1/sends', {
          ...who,
          channel: 'sms',
          campaignId,
          messageId: `m-${Math.random().toString(36).slice(2)}`,
          sentAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
        })
      ).status,
    ).toBe(201);

  it("applies Texas's Sunday hours to a customer whose region is US-TX, whatever the number's area code", async () => {
    await t.put('/v1/customers/tx-1', { contactPoints: [{ channel: 'sms', address: '+14155550101' }], timezone: 'America/Chicago', region: 'US-TX' });
    await optIn({ customerId: 'tx-1' }, 'deals');
    await recordedLongAgo();
    // Sunday 29 Nov 2026, 10:30 in Chicago: Texas allows from noon.
    expect(await decide({ customerId: 'tx-1' }, 'deals', '2026-11-29T16:30:00Z')).toMatchObject({
      allowed: false,
      outcome: 'defer',
      reason: 'quiet_hours',
      nextAllowedAt: '2026-11-29T18:00:00.000Z',
      blockedBy: ['us-tx'],
    });
    expect(await decide({ customerId: 'tx-1' }, 'deals', '2026-11-29T18:30:00Z')).toMatchObject({ allowed: true });
    expect((await t.get('/v1/customers/tx-1')).body).toMatchObject({ region: 'US-TX', lastPurchaseAt: null });
  });

  it("reads an Oregon number's state from its area code, and answers a replay by the law then in force", async () => {
    const number = '+19715550102'; // 971: an overlay of Portland's 503
    await optIn({ address: number }, 'deals');
    await recordedLongAgo();
    // 20:30 in Portland on Saturday 28 Nov 2026: Oregon allows until 20:00.
    expect(await decide({ address: number }, 'deals', '2026-11-29T04:30:00Z')).toMatchObject({ outcome: 'defer', blockedBy: ['us-or'] });
    // The same hour a year before: the law took effect on 1 January 2026.
    expect(await decide({ address: number }, 'deals', '2025-11-29T04:30:00Z')).toMatchObject({ allowed: true });
  });

  it('Oregon: a fourth marketing message within 24 hours waits, on any campaign, unless the customer bought within 18 months', async () => {
    const noon = zoneWhereItIs(12);
    await t.put('/v1/customers/or-1', { contactPoints: [{ channel: 'sms', address: '+15035550103' }], timezone: noon });
    for (const c of ['deals', 'news']) await optIn({ customerId: 'or-1' }, c);
    await sendNow({ customerId: 'or-1' }, 'deals', 300);
    await sendNow({ customerId: 'or-1' }, 'news', 200);
    await sendNow({ customerId: 'or-1' }, 'news', 100);
    await t.put('/v1/customers/ny-1', { contactPoints: [{ channel: 'sms', address: '+12125550105' }], timezone: noon });
    await optIn({ customerId: 'ny-1' }, 'deals');
    for (const m of [300, 200, 100]) await sendNow({ customerId: 'ny-1' }, 'deals', m);
    // Noon where the customer is: Oregon's hours allow, only its cap holds the message back.
    expect(await decide({ customerId: 'or-1' }, 'deals')).toMatchObject({ outcome: 'defer', reason: 'frequency_cap', blockedBy: ['us-or'] });
    // The same answer in a batch, where the number's area code comes from the customer's contact point (New York has no such law).
    const batch = await t.post('/v1/decisions/batch', {
      channel: 'sms',
      campaignId: 'deals',
      recipients: [{ customerId: 'or-1' }, { customerId: 'ny-1' }],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { reason: string }) => r.reason)).toEqual(['frequency_cap', 'opted_in']);
    const purchase = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await t.put('/v1/customers/or-1', { contactPoints: [{ channel: 'sms', address: '+15035550103' }], timezone: noon, lastPurchaseAt: purchase });
    expect(await decide({ customerId: 'or-1' }, 'deals')).toMatchObject({ allowed: true, reason: 'opted_in' });
  });

  it('Oklahoma: 3 a day on the same campaign; another campaign is not held back', async () => {
    await t.put('/v1/customers/ok-1', { contactPoints: [{ channel: 'sms', address: '+14055550104' }], timezone: zoneWhereItIs(12), region: 'US-OK' });
    for (const c of ['deals', 'news']) await optIn({ customerId: 'ok-1' }, c);
    for (const m of [300, 200, 100]) await sendNow({ customerId: 'ok-1' }, 'deals', m);
    expect(await decide({ customerId: 'ok-1' }, 'deals')).toMatchObject({ outcome: 'defer', reason: 'frequency_cap', blockedBy: ['us-ok'] });
    expect(await decide({ customerId: 'ok-1' }, 'news')).toMatchObject({ allowed: true, reason: 'opted_in' });
  });

  it('refuses a region that is not ISO 3166-2, naming it', async () => {
    expectProblem(await t.put('/v1/customers/bad-1', { contactPoints: [], region: 'Texas' }), 400, 'region');
    expectProblem(await t.put('/v1/customers/bad-1', { contactPoints: [], lastPurchaseAt: 'yesterday' }), 400, 'lastPurchaseAt');
  });

  it('GET /v1/jurisdictions lists every law with its hours, cap, source and the day it took effect, to any key', async () => {
    const key = (await t.post('/v1/api-keys', { name: 'sender', scopes: ['decisions:read'] })).body.secret;
    const res = await t.get('/v1/jurisdictions', { key });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.jurisdictions.map((j: { id: string }) => [j.id, j]));
    expect(byId['us-or']).toMatchObject({
      applies: 'US-OR',
      hours: '8:00-20:00',
      effectiveFrom: '2026-01-01',
      cap: { count: 3, perHours: 24, unlessPurchasedWithinMonths: 18 },
    });
    expect(byId['us-tx']).toMatchObject({
      hours: 'Monday-Saturday 9:00-21:00, Sunday 12:00-21:00',
      effectiveFrom: '2025-09-01',
      source: expect.stringContaining('SB 140'),
    });
    expect(Object.keys(byId).sort()).toEqual(['fr-demarchage', 'us-fl', 'us-md', 'us-ok', 'us-or', 'us-states', 'us-tcpa', 'us-tx']);
    expect(res.body.areaCodes).toMatchObject({ source: expect.stringContaining('libphonenumber'), retrieved: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(res.body.areaCodes.count).toBeGreaterThan(350);
  });
});
