/**
 * The customer pages in a real browser: Debian's Chromium driven by playwright-core, every page
 * checked with axe-core (WCAG 2.2 AA), in each language, with JavaScript on and off, at 320 px.
 * Needs Chromium (jest.config.js leaves this suite out, saying so, when there is none).
 */
import { Browser, BrowserContext, Page } from 'playwright-core';
import { LinkKeys } from '../src/links/link-token';
import { axeViolations, launchChromium } from './support/chromium';
import { freePort } from './support/free-port';
import { TestApp } from './support/test-app';

const KEYS = 'browser-key-0123456789abcdef0123456789';

describe('the customer pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  /** Every URL any page asked for, to check none left this origin. */
  const requested: string[] = [];
  /** What the console said (a policy violation shows there). */
  const console: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await TestApp.start({ PUBLIC_BASE_URL: base, LINK_KEYS: KEYS, BRAND_NAME: 'ACME', BRAND_COLOR: '#ffcc00' });
    await t.app.listen(port, '127.0.0.1');
    await t.put('/v1/campaigns/weekly', { name: 'Weekly deals', purpose: 'marketing', channels: ['sms', 'email'] });
    await t.put('/v1/campaigns/news', { name: 'Newsletter', purpose: 'marketing', channels: ['email'] });
    await t.put('/v1/campaigns/receipts', { name: 'Receipts', purpose: 'transactional', channels: ['email'] });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  let seq = 0;
  const customer = async (locale?: string) => {
    const id = `browser-${++seq}`;
    const email = `b${seq}@example.com`;
    await t.put(`/v1/customers/${id}`, {
      contactPoints: [
        { channel: 'email', address: email },
        { channel: 'sms', address: `+1415555${String(2000 + seq)}` },
      ],
      timezone: 'Europe/Paris',
      ...(locale ? { locale } : {}),
    });
    for (const [campaignId, channel] of [
      ['weekly', 'sms'],
      ['weekly', 'email'],
      ['news', 'email'],
    ]) {
      await t.post('/v1/consents', { customerId: id, channel, campaignId, action: 'opt_in', source: 'api' });
    }
    return { id, email };
  };
  const preferenceLink = async (id: string, locale?: string) =>
    (await t.post('/v1/preference-links', { customerId: id, ...(locale ? { locale } : {}) })).body.url as string;
  const decide = async (id: string, campaignId: string, channel: string) => (await t.post('/v1/decisions', { customerId: id, campaignId, channel })).body;

  async function context(options: { javaScriptEnabled?: boolean; width?: number; locale?: string } = {}): Promise<BrowserContext> {
    const ctx = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: { width: options.width ?? 1024, height: 900 },
      locale: options.locale ?? 'en-US',
    });
    ctx.on('request', (r) => requested.push(r.url()));
    ctx.on('console', (m) => console.push(m.text()));
    return ctx;
  }

  const violations = (page: Page) => axeViolations(page, 'page').then((found) => found.map((v) => v.slice('page: '.length)));

  it('a customer unticks a campaign, pauses for a month and saves; decisions follow; the page shows what was saved', async () => {
    const { id } = await customer();
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(await preferenceLink(id));
    await page.getByRole('checkbox', { name: 'Weekly deals, text message' }).uncheck();
    await page.getByRole('radio', { name: 'For 1 month' }).check();
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Save preferences' }).click()]);
    await expectSaved(page, 'Your preferences are saved.', 'Weekly deals, text message', /News and offers are paused until/);
    await expectDecisions(id);
    await ctx.close();
  });

  it('the same with JavaScript switched off, in French', async () => {
    const { id } = await customer('fr-FR');
    const ctx = await context({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(await preferenceLink(id));
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByRole('checkbox', { name: 'Weekly deals, SMS' }).uncheck();
    await page.getByRole('radio', { name: 'Pendant 1 mois' }).check();
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Enregistrer les préférences' }).click()]);
    await expectSaved(page, 'Vos préférences sont enregistrées.', 'Weekly deals, SMS', /en pause jusqu’au/);
    await expectDecisions(id);
    await ctx.close();
  });

  async function expectSaved(page: Page, saved: string, box: string, paused: RegExp): Promise<void> {
    expect(await page.getByRole('status').first().textContent()).toContain(saved);
    // Reloaded: what was saved is what is shown.
    await page.reload();
    expect(await page.getByRole('checkbox', { name: box }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: /^Newsletter, / }).isChecked()).toBe(true);
    expect(await page.locator('main').textContent()).toMatch(paused);
  }

  async function expectDecisions(id: string): Promise<void> {
    expect(await decide(id, 'weekly', 'sms')).toMatchObject({ outcome: 'deny', reason: 'opted_out' });
    for (const [campaignId, channel] of [
      ['weekly', 'email'],
      ['news', 'email'],
    ]) {
      const d = await decide(id, campaignId, channel);
      expect(d).toMatchObject({ outcome: 'defer', reason: 'paused' });
      expect(Date.parse(d.nextAllowedAt) - Date.now()).toBeGreaterThan(27 * 24 * 3600_000);
    }
    expect(await decide(id, 'receipts', 'email')).toMatchObject({ allowed: true });
  }

  it.each([
    ['en', true, 'Unsubscribe', 'You are unsubscribed'],
    ['es', false, 'Darse de baja', 'Se ha dado de baja'],
  ])('one-click unsubscribe from its page (%s, JavaScript %s): the GET shows, the button stops', async (locale, js, button, done) => {
    const { id, email } = await customer();
    const { url } = (await t.post('/v1/unsubscribe-links', { address: email, channel: 'email', campaignId: 'news', locale })).body;
    const ctx = await context({ javaScriptEnabled: js });
    const page = await ctx.newPage();
    await page.goto(url);
    expect(await decide(id, 'news', 'email')).toMatchObject({ allowed: true });
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: button }).click();
    expect((await response).status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(done);
    expect(await decide(id, 'news', 'email')).toMatchObject({ allowed: false, reason: 'opted_out' });
    await ctx.close();
  });

  describe('every page, in every language: no accessibility violation, usable at 320 px, nothing from another origin', () => {
    const pages = async (locale: string): Promise<[string, string][]> => {
      const { id, email } = await customer();
      const centre = await preferenceLink(id, locale);
      const unsubscribe = (await t.post('/v1/unsubscribe-links', { address: email, channel: 'email', campaignId: 'weekly', locale })).body.url as string;
      const expired = new LinkKeys([KEYS]).seal({ kind: 'preferences', customerId: id, locale: null, expiresAt: new Date(Date.now() - 1000) });
      return [
        ['preference centre', centre],
        ['unsubscribe', unsubscribe],
        ['invalid link', `${base}/preferences/not-a-token?lang=${locale}`],
        ['expired link', `${base}/preferences/${expired}?lang=${locale}`],
        ['invalid unsubscribe link', `${base}/u/not-a-token?lang=${locale}`],
      ];
    };

    it.each(['en', 'fr', 'es'])('%s', async (locale) => {
      const found: string[] = [];
      for (const width of [1024, 320]) {
        const ctx = await context({ width });
        const page = await ctx.newPage();
        for (const [name, url] of await pages(locale)) {
          await page.goto(url);
          expect(await page.getAttribute('html', 'lang')).toBe(locale);
          found.push(...(await violations(page)).map((v) => `${name} at ${width}px: ${v}`));
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
          if (overflow > 0) found.push(`${name} at ${width}px: scrolls ${overflow}px sideways`);
        }
        // The pages a customer reaches by acting: the unsubscribed page, the centre saved, the centre with an error.
        const { id, email } = await customer();
        const { url } = (await t.post('/v1/unsubscribe-links', { address: email, channel: 'email', locale })).body;
        await page.goto(url);
        await page.locator('form button').click();
        await page.waitForLoadState();
        found.push(...(await violations(page)).map((v) => `unsubscribed at ${width}px: ${v}`));
        await page.goto(await preferenceLink(id, locale));
        await page.locator('input[name=quiet_from]').fill('22:00');
        await Promise.all([page.waitForLoadState(), page.locator('button[value=save]').click()]);
        expect(await page.getByRole('alert').count()).toBe(1);
        found.push(...(await violations(page)).map((v) => `form error at ${width}px: ${v}`));
        await page.locator('input[name=quiet_to]').fill('07:00');
        await Promise.all([page.waitForURL(/done=saved/), page.locator('button[value=save]').click()]);
        found.push(...(await violations(page)).map((v) => `saved at ${width}px: ${v}`));
        await ctx.close();
      }
      expect(found).toEqual([]);
      expect(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'))).toEqual([]);
      expect(console.filter((m) => /Content Security Policy|Refused to/.test(m))).toEqual([]);
    });
  });
});
