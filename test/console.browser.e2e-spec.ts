/**
 * The staff console in a real browser: Debian's Chromium driven by playwright-core, on the app
 * that `npm run build` makes (test/support/global-setup.ts builds it), served by the service.
 * Proofs are checked in the page with Web Crypto; every screen is checked with axe-core.
 * Needs Chromium (jest.config.js leaves this suite out, saying so, when there is none).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import twilio from 'twilio';
import { auditVerifyCli } from './support/audit-cli';
import { axeViolations, launchChromium } from './support/chromium';
import { freePort } from './support/free-port';
import { ADMIN_KEY, TestApp } from './support/test-app';

const TWILIO_TOKEN = 'twilio-console-token-0123456789';
const NUMBER = '+14155550142';

/** `npm run audit:verify -- ...` as staff run it: its exit code and verdict. */
const auditVerify = async (args: string[]) => {
  const { code, out } = await auditVerifyCli(args);
  return { code, verdict: out ?? {} };
};

describe('the staff console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let auditKey: string;
  const requested: string[] = [];
  const messages: string[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'console-downloads-'));

  const seal = () => t.seal();
  const tamper = (sql: string, params: unknown[]) => t.asInsider(sql, params);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await TestApp.start({ PUBLIC_BASE_URL: base, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, BRAND_NAME: 'ACME', DEFAULT_PHONE_REGION: 'US' });
    await t.app.listen(port, '127.0.0.1');
    auditKey = (await t.post('/v1/api-keys', { name: 'compliance desk', scopes: ['audit:read'] })).body.secret;
    await t.put('/v1/campaigns/weekly', { name: 'Weekly deals', purpose: 'marketing', channels: ['sms', 'email'], reconfirmEvery: 'P180D' });
    await t.put('/v1/campaigns/alerts', { name: 'Fraud alerts', purpose: 'transactional', channels: ['sms'] });
    await t.put('/v1/customers/cus-stop', { contactPoints: [{ channel: 'sms', address: NUMBER }] });
    await t.post('/v1/consents', {
      customerId: 'cus-stop',
      channel: 'sms',
      campaignId: 'weekly',
      action: 'opt_in',
      source: 'web_form',
      evidence: { noticeVersion: 'v3' },
    });
    // The customer replies "stop please" through Twilio's signed webhook.
    const params = { AccountSid: 'AC1', MessageSid: `SM${'7'.repeat(32)}`, From: NUMBER, To: '+14155550999', Body: 'stop please', NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${base}/v1/inbound/twilio`, params);
    const reply = await t.request('POST', '/v1/inbound/twilio', new URLSearchParams(params).toString(), {
      key: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    });
    expect(reply.status).toBe(200);
    await seal();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function context(width = 1280): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Paris', acceptDownloads: true });
    ctx.on('request', (r) => requested.push(r.url()));
    ctx.on('console', (m) => messages.push(m.text()));
    return ctx;
  }

  const violations = axeViolations;

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(`${base}/console`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function search(page: Page, q: string): Promise<void> {
    await page.getByRole('link', { name: 'Person' }).click();
    await page.getByLabel('Search', { exact: true }).fill(q);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Current consent' }).waitFor();
  }

  /** Clicks the button and saves what the browser downloads: the file's path, under its suggested name. */
  async function downloaded(page: Page, button: Locator): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    return file;
  }

  const entryWith = (page: Page, text: string): Locator => page.locator('li.entry', { hasText: text });

  it('is served from this origin with a strict Content-Security-Policy, its assets cached for good', async () => {
    const res = await fetch(`${base}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'self'; style-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/,
    );
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${base}${asset}`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/console`, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(`${base}/console/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/console/assets/nothing.js`)).status).toBe(404);
  });

  it('lets in a key with audit:read, names the missing scope to any other, and keeps the key for the tab only', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const sender = (await t.post('/v1/api-keys', { name: 'sender', scopes: ['decisions:read'] })).body.secret;
    await signIn(page, sender);
    await page
      .getByRole('alert')
      .getByText(/lacks the audit:read scope/)
      .waitFor();
    await signIn(page, 'csk_not-a-key');
    await page
      .getByRole('alert')
      .getByText(/not valid/)
      .waitFor();
    await signIn(page, auditKey);
    await page.getByRole('heading', { name: 'Find a person' }).waitFor();
    expect(await page.evaluate('JSON.stringify(localStorage)')).toBe('{}');
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    // Another tab of the same browser does not get the key.
    const other = await ctx.newPage();
    await other.goto(`${base}/console`);
    await other.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await ctx.close();
  });

  it('shows the story of a number that replied "stop please": the text, the rule, and a proof checked in the browser', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page, auditKey);
    await search(page, '(415) 555-0142');
    await page.getByRole('heading', { name: 'Customer cus-stop' }).waitFor();
    const weekly = page.getByRole('row', { name: /Weekly deals.*sms/ });
    expect(await weekly.textContent()).toMatch(/May not send.*opted out/);
    const entry = entryWith(page, 'stop please');
    expect(await entry.textContent()).toMatch(/Opt out · sms.*source keyword.*They wrote“stop please”.*Rule that read it/);
    // Times in the staff member's zone, UTC on hover.
    expect(await entry.locator('time').getAttribute('title')).toMatch(/ UTC$/);
    await entry.getByRole('button', { name: 'Verify' }).click();
    await entry.getByRole('status').getByText('Verified', { exact: true }).waitFor();
    // A receipt from the console verifies offline.
    const file = await downloaded(page, entry.getByRole('button', { name: 'Download receipt' }));
    expect(file).toMatch(/\/consent-receipt-\d+\.json$/);
    expect(await auditVerify(['--receipt', file])).toEqual({ code: 0, verdict: { ok: true } });
    await ctx.close();
  }, 90_000);

  it('an export downloaded from the form verifies with npm run audit:verify', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page, auditKey);
    await page.getByRole('link', { name: 'Export' }).click();
    await page.getByLabel('Channel').selectOption('sms');
    const file = await downloaded(page, page.getByRole('button', { name: 'Download' }));
    expect(file).toMatch(/consent-ledger-[0-9a-f-]+\.ndjson$/);
    const { code, verdict } = await auditVerify(['--file', file]);
    expect({ code, ok: verdict.ok }).toEqual({ code: 0, ok: true });
    expect(verdict.rows).toBeGreaterThan(1);
    await ctx.close();
  }, 90_000);

  it('an event changed behind the ledger: "Verify" says "Not verified", and "Verify ledger" names the entry', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page, auditKey);
    await search(page, NUMBER);
    const entry = entryWith(page, 'stop please');
    const seq = /ledger entry (\d+)/.exec((await entry.textContent())!)![1];
    const { rows } = await t.sql.query(`select event_id from ledger_leaf where seq = $1`, [seq]);
    await tamper(`update consent_event set evidence = evidence || '{"text": "yes please"}' where id = $1`, [rows[0].event_id]);
    try {
      await search(page, NUMBER);
      const changed = entryWith(page, 'yes please');
      await changed.getByRole('button', { name: 'Verify' }).click();
      await changed
        .getByRole('status')
        .getByText(/Not verified.*personal fields .* were altered/)
        .waitFor();
      await page.getByRole('link', { name: 'Ledger' }).click();
      await page.getByRole('button', { name: 'Verify ledger' }).click();
      await page.getByText(new RegExp(`Ledger not verified: Entry ${seq} \\(consent event \\d+\\)`)).waitFor();
    } finally {
      await tamper(`update consent_event set evidence = evidence || '{"text": "stop please"}' where id = $1`, [rows[0].event_id]);
    }
    await page.getByRole('button', { name: 'Verify ledger' }).click();
    await page.getByText(/Ledger verified: \d+ entries in \d+ blocks/).waitFor();
    await ctx.close();
  }, 90_000);

  it('erases as admin: the person shows as erased; the Erase button is not shown without admin', async () => {
    await t.put('/v1/customers/cus-erase', { contactPoints: [{ channel: 'sms', address: '+14155550177' }] });
    await t.post('/v1/consents', { customerId: 'cus-erase', channel: 'sms', campaignId: 'weekly', action: 'opt_in', source: 'api' });
    await seal();
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page, auditKey);
    await search(page, 'cus-erase');
    expect(await page.getByRole('button', { name: 'Erase' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, ADMIN_KEY);
    await search(page, 'cus-erase');
    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByLabel('Type the customer id again to confirm').fill('cus-eras');
    await page.getByLabel('Reason').fill('GDPR request #42');
    await page.getByRole('button', { name: 'Erase permanently' }).click();
    await page
      .getByRole('alert')
      .getByText(/exactly as shown/)
      .waitFor();
    expect(await t.count('customer')).toBeGreaterThan(0);
    await page.getByLabel('Type the customer id again to confirm').fill('cus-erase');
    await page.getByRole('button', { name: 'Erase permanently' }).click();
    await page
      .getByRole('status')
      .getByText(/^Erased on/)
      .waitFor();
    const { rows } = await t.sql.query(`select details from system_event where type = 'customer.erased' order by id desc limit 1`);
    expect(rows[0].details).toMatchObject({ reason: 'GDPR request #42' });
    await ctx.close();
  }, 90_000);

  it('pages through a history of 10,000 entries, newest first, holding one page at a time', async () => {
    const lines = ['customerId,channel,campaignId,action,occurredAt'];
    for (let i = 0; i < 10_000; i++)
      lines.push(`cus-long,sms,weekly,${i % 2 ? 'opt_out' : 'opt_in'},${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()}`);
    const imported = await t.post('/v1/imports', `${lines.join('\n')}\n`, { headers: { 'content-type': 'text/csv' } });
    expect(imported.body).toMatchObject({ status: 'completed', rowsWritten: 10_000 });
    await seal();
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page, auditKey);
    await search(page, 'cus-long');
    await page.locator('li.entry').first().waitFor();
    const first = await page.locator('li.entry .meta').first().textContent();
    expect(await page.locator('li.entry').count()).toBe(50);
    for (let p = 2; p <= 4; p++) {
      await page.getByRole('button', { name: 'Older entries' }).click();
      await page.getByText(`Page ${p}`).waitFor();
      // Polled from here: the page's policy allows no eval, which waitForFunction needs.
      for (let i = 0; i < 100 && (await page.locator('li.entry .meta').first().textContent()) === first; i++) await page.waitForTimeout(50);
      expect(await page.locator('li.entry .meta').first().textContent()).not.toBe(first);
      expect(await page.locator('li.entry').count()).toBe(50);
    }
    await page.getByRole('button', { name: 'Newer entries' }).click();
    await page.getByText('Page 3').waitFor();
    await ctx.close();
  }, 120_000);

  it('works from the keyboard alone: sign in, go to the ledger, verify it', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${base}/console`);
    const tabTo = async (name: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<string>(
          `(document.activeElement?.getAttribute('aria-label') || document.activeElement?.labels?.[0]?.textContent || document.activeElement?.textContent || '').trim()`,
        );
        if (focused === name) return;
      }
      throw new Error(`Tab never reached "${name}"`);
    };
    await tabTo('API key');
    await page.keyboard.type(auditKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Find a person' }).waitFor();
    await tabTo('Ledger');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
    await tabTo('Verify ledger');
    await page.keyboard.press('Enter');
    await page.getByText(/Ledger verified/).waitFor();
    await ctx.close();
  }, 60_000);

  it.each([
    ['a laptop', 1280],
    ['a tablet', 768],
  ])(
    'every screen on %s: no accessibility violation, nothing from another origin, no policy violation',
    async (_name, width) => {
      const ctx = await context(width);
      const page = await ctx.newPage();
      const found: string[] = [];
      await page.goto(`${base}/console`);
      await page.getByLabel('API key').waitFor();
      found.push(...(await violations(page, 'sign in')));
      await page.getByLabel('API key').fill('csk_wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      found.push(...(await violations(page, 'sign-in error')));
      await signIn(page, ADMIN_KEY);
      await search(page, NUMBER);
      await entryWith(page, 'stop please').getByRole('button', { name: 'Verify' }).click();
      await page.getByText('Verified', { exact: true }).waitFor();
      found.push(...(await violations(page, 'person')));
      await page.getByRole('button', { name: 'Erase', exact: true }).click();
      found.push(...(await violations(page, 'erase form')));
      await page.getByLabel('Search', { exact: true }).fill('nobody-at-all');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('alert').waitFor();
      found.push(...(await violations(page, 'not found')));
      await page.getByRole('link', { name: 'Ledger' }).click();
      await page.getByRole('button', { name: 'Verify ledger' }).click();
      await page.getByText(/Ledger verified/).waitFor();
      found.push(...(await violations(page, 'ledger')));
      await page.getByRole('link', { name: 'Export' }).click();
      await page.getByLabel('Channel').waitFor();
      found.push(...(await violations(page, 'export')));
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { name: 'Access log' }).waitFor();
      await page.getByText('The same as a table').click();
      found.push(...(await violations(page, 'overview')));
      expect(await page.getByRole('img', { name: /Opt-ins .* per day by source/ }).count()).toBe(1);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      if (overflow > 0) found.push(`overview at ${width}px: scrolls ${overflow}px sideways`);
      expect(found).toEqual([]);
      expect(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
      expect(messages.filter((m) => /Content Security Policy|Refused to/.test(m))).toEqual([]);
      await ctx.close();
    },
    90_000,
  );
});
