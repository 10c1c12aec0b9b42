import { SharedWindowStorage } from '../src/rate-limit/shared-window.storage';
import { expectProblem, TestApp } from './support/test-app';

describe('rate limiting per API key', () => {
  let a: TestApp;
  let b: TestApp;
  // An hour's window: a test never straddles two (counts start again in a new window).
  const env = { RATE_LIMIT: '10', RATE_LIMIT_WINDOW_MS: '3600000', RATE_LIMIT_SYNC_MS: '20' };
  beforeAll(async () => {
    a = await TestApp.start(env);
    b = await TestApp.attach(a, env); // a second replica on the same database
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });
  // Each replica adds its hits then reads the total; twice round, so both see each other's
  // (a sync already running when asked for may have started before the latest hits).
  const sync = async () => {
    for (const t of [a, b, a, b, a, b]) await t.app.get(SharedWindowStorage).sync();
  };
  const key = async (name: string) => (await a.post('/v1/api-keys', { name, scopes: ['campaigns:read'] })).body.secret as string;

  it('answers 429 problem+json with Retry-After past the limit, per key, over both replicas', async () => {
    const k1 = await key('one');
    const k2 = await key('two');
    for (let i = 0; i < 6; i++) {
      const res = await a.get('/v1/campaigns', { key: k1 });
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('10');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(10 - (i + 1)));
    }
    // The other replica learns a key's count at its first sync after the key's first request
    // there (a limit can be overshot by what arrives within one RATE_LIMIT_SYNC_MS).
    expect((await b.get('/v1/campaigns', { key: k1 })).status).toBe(200);
    await sync();
    for (let i = 0; i < 3; i++) expect((await b.get('/v1/campaigns', { key: k1 })).status).toBe(200);
    const refused = await b.get('/v1/campaigns', { key: k1 });
    expectProblem(refused, 429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    await sync();
    expectProblem(await a.get('/v1/campaigns', { key: k1 }), 429);
    // Another key has its own count; routes without a key are not limited here.
    expect((await a.get('/v1/campaigns', { key: k2 })).status).toBe(200);
    for (let i = 0; i < 15; i++) expect((await a.get('/health/live', { key: null })).status).toBe(200);
  });

  it('counts in fixed windows: a new window starts from zero', () => {
    const storage = a.app.get(SharedWindowStorage);
    const t0 = 1_800_000_000_000; // a window boundary for 60 s windows
    for (let i = 1; i <= 3; i++) expect(storage.hit('unit', 60_000, 3, t0 + i)).toMatchObject({ totalHits: i, isBlocked: false });
    expect(storage.hit('unit', 60_000, 3, t0 + 30_000)).toEqual({ totalHits: 4, isBlocked: true, timeToExpire: 30, timeToBlockExpire: 30 });
    expect(storage.hit('unit', 60_000, 3, t0 + 60_000)).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('RATE_LIMIT=0 turns it off', async () => {
    const off = await TestApp.start({ RATE_LIMIT: '0' });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await off.get('/v1/campaigns');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await off.close();
    }
  });
});
