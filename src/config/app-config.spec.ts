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
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('reads the values it is given', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', MIGRATIONS_RUN: 'false', DEFAULT_PHONE_REGION: 'FR' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/db', migrationsRun: false, defaultPhoneRegion: 'FR' });
  });
});
