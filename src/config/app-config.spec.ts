import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, migrationsRun: true, requestTimeoutMs: 2000, embeddedPgDir: './.data/pg' });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'not a url'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['ADMIN_API_KEY', 'short'],
    ['REQUEST_TIMEOUT_MS', '-5'],
    ['DEFAULT_PHONE_REGION', 'usa'],
    ['LOG_LEVEL', 'loud'],
    ['SERVICE_WINDOW', '24h'],
    ['SERVICE_WINDOW', 'P0D'],
    ['PUBLIC_BASE_URL', 'ftp://example.com'],
    ['PUBLIC_BASE_URL', 'https://example.com/?q=1'],
    ['BRAND_NAME', 'x'.repeat(65)],
    ['RECONFIRMATION_CRON', 'every minute'],
    ['LIFECYCLE_BATCH_SIZE', '0'],
    ['WEBHOOK_GIVE_UP_AFTER', '3 days'],
    ['AUTH_FAILURE_LIMIT', 'many'],
    ['API_KEY_CACHE_SIZE', '0'],
    ['TRUST_PROXY', 'proxy.internal'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['IMPORT_TIMEOUT', '1 hour'],
    ['IMPORT_CONCURRENCY', '0'],
    ['LINK_KEYS', 'too-short'],
    ['LINK_KEYS', `${'k'.repeat(32)},short`],
    ['UNSUBSCRIBE_MAILTO', 'not an address'],
    ['BRAND_COLOR', 'blue'],
    ['BRAND_COLOR', '#12345'],
    ['BRAND_LOGO_URL', 'https://cdn.example.net/logo.png'],
    ['BRAND_LOGO_URL', 'javascript:alert(1)'],
    ['BRAND_LOGO_URL', 'data:text/html;base64,PGgxPg=='],
    ['REVOKE_ALL_FROM', 'next year'],
    ['REVOKE_ALL_FROM', '2027-02-30T00:00:00Z'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('revokes all from the date the FCC last set, unless told another date or instant', () => {
    expect(loadConfig({}).revokeAllFrom.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(loadConfig({ REVOKE_ALL_FROM: '2026-06-01' }).revokeAllFrom.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(loadConfig({ REVOKE_ALL_FROM: '2026-06-01T05:00:00-04:00' }).revokeAllFrom.toISOString()).toBe('2026-06-01T09:00:00.000Z');
  });

  it('reads the values it is given', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', MIGRATIONS_RUN: 'false', DEFAULT_PHONE_REGION: 'FR' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/db', migrationsRun: false, defaultPhoneRegion: 'FR' });
  });

  it('needs PUBLIC_BASE_URL when TWILIO_AUTH_TOKEN is set, because Twilio signs the URL', () => {
    expect(() => loadConfig({ TWILIO_AUTH_TOKEN: 'secret' })).toThrow(/^Invalid configuration: PUBLIC_BASE_URL /);
    const c = loadConfig({ TWILIO_AUTH_TOKEN: 'secret', PUBLIC_BASE_URL: 'https://consent.example.com/', SERVICE_WINDOW: 'PT48H', BRAND_NAME: ' ACME ' });
    expect(c).toMatchObject({ publicBaseUrl: 'https://consent.example.com', serviceWindowText: 'PT48H', brandName: 'ACME' });
  });

  it('refuses to start in production without PSEUDONYM_KEY: a generated key would sit in the database beside the hashes it protects', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^Invalid configuration: PSEUDONYM_KEY must be set when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', PSEUDONYM_KEY: 'k'.repeat(32) })).toMatchObject({ production: true, pseudonymKey: 'k'.repeat(32) });
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false, pseudonymKey: undefined });
    expect(loadConfig({})).toMatchObject({ production: false });
  });

  it('limits every API key by default, at a rate a busy sending service stays under (RATE_LIMIT sizing is in the README)', () => {
    expect(loadConfig({})).toMatchObject({ rateLimit: 60_000, rateLimitWindowMs: 60_000, authFailureLimit: 100, apiKeyCacheSize: 10_000, trustProxy: false });
  });

  it('trusts forwarded client addresses only from the proxies it is told of', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('reads the keys of signed links, the first one signing and every one accepted, so that keys can be rotated', () => {
    const [a, b] = ['a'.repeat(32), 'b'.repeat(40)];
    expect(loadConfig({ LINK_KEYS: ` ${a} , ${b} ` }).linkKeys).toEqual([a, b]);
    expect(loadConfig({}).linkKeys).toEqual([]);
  });

  it('takes a brand logo only from where the pages may load it: this origin or inline', () => {
    const logo = 'data:image/png;base64,iVBORw0KGgo=';
    expect(loadConfig({ BRAND_LOGO_URL: logo }).brandLogoUrl).toBe(logo);
    expect(loadConfig({ BRAND_LOGO_URL: '/static/logo.svg' }).brandLogoUrl).toBe('/static/logo.svg');
    const same = loadConfig({ PUBLIC_BASE_URL: 'https://consent.example.com', BRAND_LOGO_URL: 'https://consent.example.com/logo.png' });
    expect(same.brandLogoUrl).toBe('https://consent.example.com/logo.png');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://consent.example.com', BRAND_LOGO_URL: 'https://example.com/logo.png' })).toThrow(
      /^Invalid configuration: BRAND_LOGO_URL /,
    );
  });

  it('reads the brand colour in any hex form, and the one-click mailto', () => {
    expect(loadConfig({ BRAND_COLOR: '#0A5' }).brandColor).toBe('#00aa55');
    expect(loadConfig({ BRAND_COLOR: '#123ABC' }).brandColor).toBe('#123abc');
    expect(loadConfig({ UNSUBSCRIBE_MAILTO: 'unsubscribe@mail.example.com' }).unsubscribeMailto).toBe('unsubscribe@mail.example.com');
  });
});
