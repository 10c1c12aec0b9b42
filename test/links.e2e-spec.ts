import { LinksService } from '../src/links/links.service';
import { expectProblem, snapshotCounts, TestApp } from './support/test-app';

const BASE = 'https://consent.example.com';
const KEYS = 'link-key-one-0123456789abcdef0123456789,link-key-two-0123456789abcdef0123456789';

/** The token at the end of a link. */
const tokenOf = (url: string) => url.split('/').pop()!;

describe('signed links', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ PUBLIC_BASE_URL: BASE, LINK_KEYS: KEYS, UNSUBSCRIBE_MAILTO: 'unsubscribe@mail.example.com' });
    await t.put('/v1/campaigns/weekly', { name: 'Weekly deals', purpose: 'marketing', channels: ['sms', 'email'] });
    await t.put('/v1/campaigns/receipts', { name: 'Receipts', purpose: 'transactional', channels: ['email'] });
    await t.put('/v1/customers/cust-1', { contactPoints: [{ channel: 'email', address: 'Jane@Example.com' }], locale: 'fr-FR' });
  });
  afterAll(() => t.close());

  describe('POST /v1/preference-links', () => {
    it('answers a link to the preference centre, valid for 7 days by default, that no cache keeps', async () => {
      const before = Date.now();
      const res = await t.post('/v1/preference-links', { customerId: 'cust-1' });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.url).toMatch(new RegExp(`^${BASE}/preferences/[A-Za-z0-9_-]{40,}$`));
      const expires = Date.parse(res.body.expiresAt);
      expect(expires - before).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 1000);
      expect(expires - before).toBeLessThanOrEqual(7 * 24 * 3600_000 + 5000);
      // It grants that customer's centre, in the customer's language.
      expect(t.app.get(LinksService).open(tokenOf(res.body.url))).toMatchObject({ kind: 'preferences', customerId: 'cust-1', locale: 'fr' });
    });

    it('finds the customer by a contact point, in any common form', async () => {
      const res = await t.post('/v1/preference-links', { address: ' jane@example.COM ', expiresIn: 'P90D', locale: 'es' });
      expect(res.status).toBe(201);
      expect(t.app.get(LinksService).open(tokenOf(res.body.url))).toMatchObject({ customerId: 'cust-1', locale: 'es' });
    });

    it.each([
      [{ customerId: 'cust-1', expiresIn: 'P91D' }, 'expiresIn'],
      [{ customerId: 'cust-1', expiresIn: 'P1Y' }, 'expiresIn'],
      [{ customerId: 'cust-1', expiresIn: 'a week' }, 'expiresIn'],
      [{ customerId: 'cust-1', expiresIn: 'PT0S' }, 'expiresIn'],
      [{ customerId: 'cust-1', locale: 'de' }, 'locale'],
      [{ customerId: 'cust-1', address: 'jane@example.com' }, 'address'],
      [{}, 'customerId'],
      [{ address: 'not an address', channel: 'email' }, 'address'],
    ])('refuses %j naming %s', async (body, field) => {
      expectProblem(await t.post('/v1/preference-links', body), 400, field);
    });

    it('is a 404 for a customer or an address nobody has', async () => {
      expectProblem(await t.post('/v1/preference-links', { customerId: 'nobody' }), 404);
      expectProblem(await t.post('/v1/preference-links', { address: 'nobody@example.com' }), 404);
    });

    it('needs consents:write', async () => {
      const key = (await t.post('/v1/api-keys', { name: 'reader', scopes: ['decisions:read', 'consents:read'] })).body.secret as string;
      expectProblem(await t.post('/v1/preference-links', { customerId: 'cust-1' }, { key }), 403);
      expectProblem(await t.post('/v1/unsubscribe-links', { customerId: 'cust-1', channel: 'email' }, { key }), 403);
    });
  });

  describe('POST /v1/unsubscribe-links', () => {
    it('answers the link and the exact List-Unsubscribe headers to put on the message (RFC 8058, RFC 2369)', async () => {
      const res = await t.post('/v1/unsubscribe-links', { address: 'jane@example.com', channel: 'email', campaignId: 'weekly', messageId: 'msg-1' });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const token = tokenOf(res.body.url);
      expect(res.body).toEqual({
        url: `${BASE}/u/${token}`,
        oneClickUrl: `${BASE}/u/${token}`,
        headers: {
          'List-Unsubscribe': `<${BASE}/u/${token}>, <mailto:unsubscribe@mail.example.com?subject=unsubscribe%20${token}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
      expect(t.app.get(LinksService).open(token)).toEqual({
        kind: 'unsubscribe',
        customerId: null,
        address: 'jane@example.com',
        channel: 'email',
        campaignId: 'weekly',
        messageId: 'msg-1',
        locale: null,
      });
      // The token says nothing readable of whom it is for.
      expect(res.body.url).not.toMatch(/jane|example\.com\/u\/.*example|msg-1|weekly/);
    });

    it.each([
      [{ channel: 'email' }, 'customerId'],
      [{ address: 'jane@example.com' }, 'channel'],
      [{ address: 'jane@example.com', channel: 'fax' }, 'channel'],
      [{ address: '+1 415', channel: 'sms' }, 'address'],
      [{ address: 'jane@example.com', channel: 'email', messageId: 'x'.repeat(129) }, 'messageId'],
    ])('refuses %j naming %s', async (body, field) => {
      expectProblem(await t.post('/v1/unsubscribe-links', body), 400, field);
    });

    it('is a 404 for an unknown campaign or customer', async () => {
      expectProblem(await t.post('/v1/unsubscribe-links', { address: 'jane@example.com', channel: 'email', campaignId: 'nope' }), 404);
      expectProblem(await t.post('/v1/unsubscribe-links', { customerId: 'nobody', channel: 'email' }), 404);
    });
  });

  describe('decisions with unsubscribe: true', () => {
    beforeAll(async () => {
      await t.post('/v1/consents', { address: 'jane@example.com', channel: 'email', campaignId: 'weekly', action: 'opt_in', source: 'api' });
    });

    it('add the link and headers to an allowed email answer, and nothing to a denied one', async () => {
      const allowed = await t.post('/v1/decisions', { address: 'jane@example.com', channel: 'email', campaignId: 'weekly', unsubscribe: true });
      expect(allowed.body).toMatchObject({ allowed: true, unsubscribe: { headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } });
      expect(t.app.get(LinksService).open(tokenOf(allowed.body.unsubscribe.url))).toMatchObject({
        address: 'jane@example.com',
        channel: 'email',
        campaignId: 'weekly',
      });
      const denied = await t.post('/v1/decisions', { address: 'someone@example.com', channel: 'email', campaignId: 'weekly', unsubscribe: true });
      expect(denied.body.allowed).toBe(false);
      expect(denied.body.unsubscribe).toBeUndefined();
      const plain = await t.post('/v1/decisions', { address: 'jane@example.com', channel: 'email', campaignId: 'weekly' });
      expect(plain.body.unsubscribe).toBeUndefined();
    });

    it('add them to the email chosen when no channel is named, and never to other channels', async () => {
      const chosen = await t.post('/v1/decisions', { customerId: 'cust-1', campaignId: 'weekly', unsubscribe: true });
      expect(chosen.body).toMatchObject({ channel: 'email', allowed: true, unsubscribe: { url: expect.stringContaining(`${BASE}/u/`) } });
      await t.post('/v1/consents', { address: '+14155550100', channel: 'sms', campaignId: 'weekly', action: 'opt_in', source: 'api' });
      const sms = await t.post('/v1/decisions', { address: '+14155550100', channel: 'sms', campaignId: 'weekly', unsubscribe: true });
      expect(sms.body.allowed).toBe(true);
      expect(sms.body.unsubscribe).toBeUndefined();
    });

    it('add them to each allowed recipient of a batch', async () => {
      const res = await t.post('/v1/decisions/batch', {
        channel: 'email',
        campaignId: 'weekly',
        unsubscribe: true,
        recipients: [{ address: 'jane@example.com' }, { address: 'someone@example.com' }],
      });
      expect(res.body.results[0]).toMatchObject({ allowed: true, unsubscribe: { oneClickUrl: expect.stringContaining('/u/') } });
      expect(res.body.results[1].unsubscribe).toBeUndefined();
    });
  });
});

describe('signed links, not configured in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ NODE_ENV: 'production', PSEUDONYM_KEY: 'p'.repeat(32) });
    await t.put('/v1/customers/cust-1', {});
  });
  afterAll(() => t.close());

  it('answer 503 naming what to set, and write nothing', async () => {
    const before = await snapshotCounts(t);
    const res = await t.post('/v1/preference-links', { customerId: 'cust-1' });
    expectProblem(res, 503);
    expect(res.body).toMatchObject({ code: 'LINKS.NOT_CONFIGURED', detail: expect.stringContaining('LINK_KEYS') });
    expectProblem(await t.post('/v1/decisions', { address: 'a@example.com', channel: 'email', campaignId: 'x', unsubscribe: true }), 503);
    expect(await snapshotCounts(t)).toEqual(before);
  });
});
