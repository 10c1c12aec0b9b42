import { LinkKeys } from '../src/links/link-token';
import { CONTENT_SECURITY_POLICY } from '../src/pages/page-http';
import { snapshotCounts, TestApp, TestResponse } from './support/test-app';

const BASE = 'https://consent.example.com';
const KEYS = 'page-key-one-0123456789abcdef0123456789';
const tokenOf = (url: string) => url.split('/').pop()!;
const pathOf = (url: string) => new URL(url).pathname;

/** The value of a named form field on a page. */
function field(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no field ${name} on the page`);
  return m[1].replace(/&amp;/g, '&');
}

function expectPage(res: TestResponse, status: number, lang = 'en'): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: 'text/html; charset=utf-8' });
  expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain(`<html lang="${lang}">`);
  // No script, and nothing from another origin.
  expect(res.text).not.toMatch(/<script|https?:\/\/(?!consent\.example\.com)[^"]*"/);
}

describe('the customer pages', () => {
  let t: TestApp;
  const none = { key: null };
  beforeAll(async () => {
    t = await TestApp.start({ PUBLIC_BASE_URL: BASE, LINK_KEYS: KEYS, BRAND_NAME: 'ACME' });
    await t.put('/v1/campaigns/weekly', { name: 'Weekly deals', purpose: 'marketing', channels: ['sms', 'email'] });
    await t.put('/v1/campaigns/news', { name: 'Newsletter', purpose: 'marketing', channels: ['email'] });
    await t.put('/v1/campaigns/receipts', { name: 'Receipts', purpose: 'transactional', channels: ['email'] });
  });
  afterAll(() => t.close());

  let seq = 0;
  /** A customer with an email and a phone, opted in to both marketing campaigns everywhere. */
  const customer = async () => {
    const id = `pc-${++seq}`;
    const email = `person${seq}@example.com`;
    const phone = `+1415555${String(1000 + seq)}`;
    await t.put(`/v1/customers/${id}`, {
      contactPoints: [
        { channel: 'email', address: email },
        { channel: 'sms', address: phone },
      ],
      timezone: 'Europe/Paris',
    });
    for (const [campaignId, channel] of [
      ['weekly', 'sms'],
      ['weekly', 'email'],
      ['news', 'email'],
    ]) {
      await t.post('/v1/consents', { customerId: id, channel, campaignId, action: 'opt_in', source: 'api' });
    }
    return { id, email, phone };
  };
  const decide = async (body: Record<string, unknown>) => (await t.post('/v1/decisions', body)).body;
  const events = async (customerId: string) =>
    (await t.sql.query(`select action, source, campaign_id, channel, evidence from consent_event where customer_id = $1 order by id`, [customerId])).rows;

  describe('one-click unsubscribe (RFC 8058)', () => {
    const link = async (body: Record<string, unknown>) => (await t.post('/v1/unsubscribe-links', body)).body as { url: string };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const multipart = { 'content-type': 'multipart/form-data; boundary=x-boundary' };
    const multipartBody = '--x-boundary\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x-boundary--\r\n';

    it.each([
      ['multipart/form-data', multipartBody, multipart],
      ['a form', 'List-Unsubscribe=One-Click', form],
      ['no body', undefined, {}],
      ['a text body', 'unsubscribe me', { 'content-type': 'text/plain' }],
      ['broken JSON', '{"not json', { 'content-type': 'application/json' }],
    ])('a POST with %s, no key and no cookie, records the opt-out with its evidence and answers 200, not a redirect', async (_kind, body, headers) => {
      const { id, email } = await customer();
      const { url } = await link({ customerId: id, address: email, channel: 'email', campaignId: 'weekly', messageId: 'msg-42' });
      const res = await t.request('POST', pathOf(url), body, { key: null, headers: { ...headers, 'user-agent': 'Gmail one-click' } });
      expectPage(res, 200);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('You are unsubscribed');
      expect((await events(id)).filter((e) => e.source === 'one_click')).toEqual([
        {
          action: 'opt_out',
          source: 'one_click',
          campaign_id: 'weekly',
          channel: 'email',
          evidence: { messageId: 'msg-42', userAgent: 'Gmail one-click', ip: '127.0.0.1' },
        },
      ]);
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'weekly' })).toMatchObject({ allowed: false, reason: 'opted_out' });
      // The campaign only: the other one goes on.
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'news' })).toMatchObject({ allowed: true });
    });

    it('a GET changes nothing: it says what will stop, with a button that posts, and a link to the preference centre', async () => {
      const { id, email } = await customer();
      const { url } = await link({ address: email, channel: 'email', campaignId: 'weekly' });
      const before = await snapshotCounts(t);
      const res = await t.request('GET', pathOf(url), undefined, none);
      expectPage(res, 200);
      expect(res.text).toContain('You will no longer receive “Weekly deals” by email.');
      expect(res.text).toContain(`Sent to p•••@example.com`);
      expect(res.text).toMatch(new RegExp(`<form method="post" action="${pathOf(url)}\\?lang=en">`));
      expect(res.text).toMatch(/<a href="https:\/\/consent\.example\.com\/preferences\/[A-Za-z0-9_-]+">Choose what you receive instead<\/a>/);
      expect(await snapshotCounts(t)).toEqual(before);
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'weekly' })).toMatchObject({ allowed: true });
    });

    it('posted again changes nothing and answers the same', async () => {
      const { id, email } = await customer();
      const { url } = await link({ address: email, channel: 'email' });
      const first = await t.request('POST', pathOf(url), 'List-Unsubscribe=One-Click', { key: null, headers: form });
      const before = await snapshotCounts(t);
      const again = await t.request('POST', pathOf(url), 'List-Unsubscribe=One-Click', { key: null, headers: form });
      expect(await snapshotCounts(t)).toEqual(before);
      const sameOf = (r: TestResponse) => r.text.replace(/preferences\/[A-Za-z0-9_-]+/g, 'preferences/…');
      expect({ status: again.status, page: sameOf(again) }).toEqual({ status: first.status, page: sameOf(first) });
      // The whole channel: every campaign on it is denied.
      expect(await decide({ address: email, channel: 'email', campaignId: 'news' })).toMatchObject({ allowed: false, reason: 'opted_out' });
      expect((await events(id)).length).toBeGreaterThan(0);
    });

    it('a link clicked after opting in again opts out again: "already out" is judged by what stands, not by the link', async () => {
      const { email } = await customer();
      const { url } = await link({ address: email, channel: 'email', campaignId: 'news' });
      await t.request('POST', pathOf(url), undefined, none);
      await t.post('/v1/consents', { address: email, channel: 'email', campaignId: 'news', action: 'opt_in', source: 'web_form' });
      expect(await decide({ address: email, channel: 'email', campaignId: 'news' })).toMatchObject({ allowed: true });
      await t.request('POST', pathOf(url), undefined, none);
      expect(await decide({ address: email, channel: 'email', campaignId: 'news' })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it("a forged or altered token is a friendly 404 page in the reader's language, and writes nothing", async () => {
      const { email } = await customer();
      const { url } = await link({ address: email, channel: 'email' });
      const token = tokenOf(url);
      const altered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
      const forged = new LinkKeys(['someone-else-0123456789abcdef0123456']).seal({
        kind: 'unsubscribe',
        customerId: null,
        address: email,
        channel: 'email',
        campaignId: null,
        messageId: null,
        locale: null,
      });
      const before = await snapshotCounts(t);
      for (const bad of [altered, forged, 'nonsense']) {
        const res = await t.request('POST', `/u/${bad}`, 'List-Unsubscribe=One-Click', {
          key: null,
          headers: { ...form, 'accept-language': 'fr-FR,fr;q=0.9' },
        });
        expectPage(res, 404, 'fr');
        expect(res.text).toContain('Ce lien ne fonctionne pas');
        expectPage(await t.request('GET', `/u/${bad}`, undefined, none), 404);
      }
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('grants only what it names: a preference link does not unsubscribe, an unsubscribe link does not open the centre', async () => {
      const { id, email } = await customer();
      const prefs = (await t.post('/v1/preference-links', { customerId: id })).body.url as string;
      const unsub = (await link({ address: email, channel: 'email' })).url;
      expectPage(await t.request('POST', `/u/${tokenOf(prefs)}`, undefined, none), 404);
      expectPage(await t.request('GET', `/preferences/${tokenOf(unsub)}`, undefined, none), 404);
    });
  });

  describe('the preference centre', () => {
    const open = async (id: string, headers: Record<string, string> = {}) => {
      const url = (await t.post('/v1/preference-links', { customerId: id })).body.url as string;
      const page = await t.request('GET', pathOf(url), undefined, { key: null, headers });
      return { path: pathOf(url), page };
    };
    const post = (path: string, fields: [string, string][], headers: Record<string, string> = {}) =>
      t.request('POST', `${path}?lang=en`, new URLSearchParams(fields).toString(), {
        key: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Test browser', ...headers },
      });
    /** The form as the page shows it, every box as it stands. */
    const asShown = (page: string): [string, string][] => {
      const out: [string, string][] = [['form', field(page, 'form')]];
      for (const m of page.matchAll(/name="shown" value="([^"]+)"/g)) out.push(['shown', m[1]], ['consent', m[1]]);
      return out;
    };

    it('shows every marketing campaign by channel, ticked where consent stands, and what is always sent', async () => {
      const { id } = await customer();
      await t.post('/v1/consents', { customerId: id, channel: 'email', campaignId: 'news', action: 'opt_out', source: 'api' });
      const { page } = await open(id);
      expectPage(page, 200);
      expect(page.text).toMatch(
        /<input type="checkbox" id="[^"]+" name="consent" value="weekly\|sms" checked><span class="visually-hidden">Weekly deals, text message<\/span>/,
      );
      expect(page.text).toMatch(/value="news\|email"><span class="visually-hidden">Newsletter, email<\/span>/);
      expect(page.text).toContain('Receipts (about your account and orders; email)');
      expect(page.text).toContain('Save preferences');
      expect(page.text).toContain('Unsubscribe from all');
    });

    it('saves only what changed: an unticked box is an opt-out with its evidence, a pause is a preference; then decisions follow', async () => {
      const { id } = await customer();
      const { path, page } = await open(id);
      const fields = asShown(page.text).filter(([k, v]) => !(k === 'consent' && v === 'weekly|sms'));
      const res = await post(path, [...fields, ['pause', 'P1M'], ['action', 'save']]);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${path}?lang=en&done=saved`);
      const written = (await events(id)).filter((e) => e.source === 'preference_centre');
      expect(written.map((e) => [e.action, e.campaign_id, e.channel])).toEqual([
        ['opt_out', 'weekly', 'sms'],
        ['preferences_changed', null, '*'],
      ]);
      expect(written[0].evidence).toEqual({
        pageUrl: `${BASE}/preferences`,
        userAgent: 'Test browser',
        ip: '127.0.0.1',
        noticeVersion: 'preference-centre-2026-11/en',
        noticeTextHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(await decide({ customerId: id, channel: 'sms', campaignId: 'weekly' })).toMatchObject({ outcome: 'deny', reason: 'opted_out' });
      const paused = await decide({ customerId: id, channel: 'email', campaignId: 'news' });
      expect(paused).toMatchObject({ outcome: 'defer', reason: 'paused' });
      expect(Date.parse(paused.nextAllowedAt) - Date.now()).toBeGreaterThan(27 * 24 * 3600_000);
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'receipts' })).toMatchObject({ allowed: true });

      const reloaded = await t.request('GET', `${path}?lang=en&done=saved`, undefined, none);
      expect(reloaded.text).toContain('Your preferences are saved.');
      expect(reloaded.text).toMatch(/value="weekly\|sms"><span/);
      expect(reloaded.text).toMatch(/News and offers are paused until/);
      // Saved again as shown: nothing more is written.
      const before = await snapshotCounts(t);
      expect((await post(path, [...asShown(reloaded.text), ['pause', 'keep']])).status).toBe(303);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('ticking a box the person had opted out of is an opt-in given here, with the notice shown', async () => {
      const { id } = await customer();
      await t.post('/v1/consents', { customerId: id, channel: 'email', campaignId: 'news', action: 'opt_out', source: 'api' });
      const { path, page } = await open(id, { 'accept-language': 'es-ES' });
      expect(page.text).toContain('<html lang="es">');
      await t.request('POST', `${path}?lang=es`, new URLSearchParams([...asShown(page.text), ['consent', 'news|email']]).toString(), {
        key: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const [optIn] = (await events(id)).filter((e) => e.source === 'preference_centre');
      expect(optIn).toMatchObject({ action: 'opt_in', campaign_id: 'news', evidence: { noticeVersion: 'preference-centre-2026-11/es' } });
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'news' })).toMatchObject({ allowed: true });
    });

    it('"Unsubscribe from all" opts out of every marketing campaign on every channel, and leaves what is always sent', async () => {
      const { id } = await customer();
      const { path, page } = await open(id);
      const res = await post(path, [...asShown(page.text), ['action', 'unsubscribe_all']]);
      expect(res.headers.location).toBe(`${path}?lang=en&done=unsubscribed`);
      for (const [campaignId, channel] of [
        ['weekly', 'sms'],
        ['weekly', 'email'],
        ['news', 'email'],
      ]) {
        expect(await decide({ customerId: id, channel, campaignId })).toMatchObject({ reason: 'opted_out' });
      }
      expect(await decide({ customerId: id, channel: 'email', campaignId: 'receipts' })).toMatchObject({ allowed: true });
    });

    it('refuses quiet hours it cannot keep, showing the form again with what to fix, and writes nothing', async () => {
      const { id } = await customer();
      const { path, page } = await open(id);
      const before = await snapshotCounts(t);
      const res = await post(path, [...asShown(page.text), ['quiet_from', '22:00'], ['quiet_to', '']]);
      expectPage(res, 400);
      expect(res.text).toContain('Give both times, or leave both empty.');
      expect(res.text).toContain('value="22:00"');
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('refuses a form from another site or without its token, and writes nothing', async () => {
      const { id } = await customer();
      const { path, page } = await open(id);
      const before = await snapshotCounts(t);
      const fields = asShown(page.text).filter(([k, v]) => !(k === 'consent' && v === 'weekly|sms'));
      expectPage(await post(path, fields, { 'sec-fetch-site': 'cross-site' }), 403);
      expectPage(await post(path, fields, { origin: 'https://evil.example' }), 403);
      expectPage(
        await post(
          path,
          fields.filter(([k]) => k !== 'form'),
        ),
        403,
      );
      expectPage(await post(path, [['form', `${Math.floor(Date.now() / 1000) - 2 * 86400}.${'A'.repeat(43)}`], ...fields.slice(1)]), 403);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it('an expired link is a 410 page, and saving through it writes nothing', async () => {
      const { id } = await customer();
      const token = new LinkKeys([KEYS]).seal({ kind: 'preferences', customerId: id, locale: 'fr', expiresAt: new Date(Date.now() - 1000) });
      const res = await t.request('GET', `/preferences/${token}`, undefined, none);
      expectPage(res, 410, 'fr');
      expect(res.text).toContain('Ce lien a expiré');
      const before = await snapshotCounts(t);
      expectPage(await post(`/preferences/${token}`, [['action', 'unsubscribe_all']]), 410);
      expect(await snapshotCounts(t)).toEqual(before);
    });

    it("speaks the language chosen on the page, else the link's, else the browser's", async () => {
      const { id, email } = await customer();
      const fr = (await t.post('/v1/preference-links', { address: email, locale: 'fr' })).body.url as string;
      expect((await t.request('GET', pathOf(fr), undefined, none)).text).toContain('<html lang="fr">');
      expect((await t.request('GET', `${pathOf(fr)}?lang=es`, undefined, none)).text).toContain('Guardar preferencias');
      const plain = (await t.post('/v1/preference-links', { customerId: id })).body.url as string;
      const page = await t.request('GET', pathOf(plain), undefined, { key: null, headers: { 'accept-language': 'de-DE, fr;q=0.5' } });
      expect(page.text).toContain('Enregistrer les préférences');
    });
  });

  it('serves its stylesheet from this origin, cached for good, with the brand in it', async () => {
    const res = await t.request('GET', '/assets/pages.css?v=1', undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.text).toContain('--brand:#1f4e79');
  });
});
