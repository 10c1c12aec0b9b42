import { SCOPES } from '../src/auth/scopes';
import { ADMIN_KEY, expectProblem, TestApp } from './support/test-app';

/** Which scope may do what: every /v1 route, with a key holding each scope. */
const ROUTES: { method: string; url: string; body?: unknown; headers?: Record<string, string>; scopes: string[] }[] = [
  { method: 'POST', url: '/v1/api-keys', body: { name: 'k', scopes: ['consents:read'] }, scopes: ['admin'] },
  { method: 'GET', url: '/v1/api-keys', scopes: ['admin'] },
  { method: 'DELETE', url: '/v1/api-keys/00000000-0000-4000-8000-000000000000', scopes: ['admin'] },
  { method: 'PUT', url: '/v1/campaigns/c1', body: { name: 'c', purpose: 'marketing', channels: ['sms'] }, scopes: ['campaigns:write'] },
  { method: 'GET', url: '/v1/campaigns', scopes: ['campaigns:read', 'campaigns:write', 'decisions:read'] },
  { method: 'GET', url: '/v1/campaigns/c1', scopes: ['campaigns:read', 'campaigns:write', 'decisions:read'] },
  { method: 'PUT', url: '/v1/customers/u1', body: { contactPoints: [] }, scopes: ['consents:write'] },
  { method: 'GET', url: '/v1/customers/u1', scopes: ['consents:read'] },
  { method: 'POST', url: '/v1/consents', body: { customerId: 'u1', channel: 'sms', action: 'opt_out', source: 'api' }, scopes: ['consents:write'] },
  { method: 'GET', url: '/v1/consents?channel=sms&address=%2B14155550100', scopes: ['consents:read'] },
  { method: 'GET', url: '/v1/customers/u1/consents', scopes: ['consents:read'] },
  { method: 'GET', url: '/v1/customers/u1/history', scopes: ['consents:read'] },
  { method: 'POST', url: '/v1/decisions', body: { customerId: 'u1', channel: 'sms', campaignId: 'c1' }, scopes: ['decisions:read'] },
  { method: 'POST', url: '/v1/decisions/batch', body: { channel: 'sms', campaignId: 'c1', recipients: [{ customerId: 'u1' }] }, scopes: ['decisions:read'] },
  { method: 'PUT', url: '/v1/senders/12345', body: { campaignIds: [] }, scopes: ['campaigns:write'] },
  { method: 'GET', url: '/v1/senders', scopes: ['campaigns:read', 'campaigns:write'] },
  { method: 'GET', url: '/v1/senders/12345', scopes: ['campaigns:read', 'campaigns:write'] },
  { method: 'DELETE', url: '/v1/senders/12345', scopes: ['campaigns:write'] },
  { method: 'POST', url: '/v1/webhook-endpoints', body: { url: 'https://93.184.216.34/hooks', events: ['consent.changed'] }, scopes: ['admin'] },
  { method: 'GET', url: '/v1/webhook-endpoints', scopes: ['admin'] },
  { method: 'GET', url: '/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000', scopes: ['admin'] },
  { method: 'DELETE', url: '/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000', scopes: ['admin'] },
  { method: 'GET', url: '/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries', scopes: ['admin'] },
  { method: 'POST', url: '/v1/admin/jobs/idempotency-retention/run', scopes: ['admin'] },
  { method: 'PUT', url: '/v1/customers/u1/preferences', body: {}, scopes: ['consents:write'] },
  { method: 'GET', url: '/v1/customers/u1/preferences', scopes: ['consents:read'] },
  {
    method: 'POST',
    url: '/v1/sends',
    body: { customerId: 'u1', channel: 'sms', campaignId: 'c1', messageId: 'm1', sentAt: '2026-01-01T00:00:00Z' },
    scopes: ['sends:write'],
  },
  {
    method: 'POST',
    url: '/v1/inbound/messages',
    body: { channel: 'sms', from: '+14155550100', to: '12345', body: 'hi', messageId: 'm1' },
    scopes: ['inbound:write'],
  },
  { method: 'POST', url: '/v1/admin/jobs/seal/run', scopes: ['admin'] },
  { method: 'GET', url: '/v1/audit/head', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/verify', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/events', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/export?format=csv', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/exports/00000000-0000-4000-8000-000000000000/proof', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/entries/999999999/proof', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/entries/999999999/receipt', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/people?q=u1', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/audit/overview', scopes: ['audit:read'] },
  { method: 'GET', url: '/v1/api-keys/current', scopes: [...SCOPES] },
  { method: 'POST', url: '/v1/customers/nobody/erasure', body: { reason: 'ticket 1' }, scopes: ['admin'] },
  { method: 'POST', url: '/v1/imports', body: '+14155550100\n', headers: { 'content-type': 'text/csv' }, scopes: ['consents:write'] },
  { method: 'GET', url: '/v1/imports', scopes: ['consents:write', 'consents:read'] },
  { method: 'GET', url: '/v1/imports/00000000-0000-4000-8000-000000000000', scopes: ['consents:write', 'consents:read'] },
];
const ALL_SCOPES: readonly string[] = SCOPES;

describe('authentication and scopes', () => {
  let t: TestApp;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/c1', { name: 'c', purpose: 'marketing', channels: ['sms'] });
    await t.put('/v1/customers/u1', { contactPoints: [] });
    for (const scope of ALL_SCOPES) {
      const res = await t.post('/v1/api-keys', { name: `key ${scope}`, scopes: [scope] });
      expect(res.status).toBe(201);
      keys[scope] = res.body.secret;
    }
  });
  afterAll(() => t.close());

  it.each(ROUTES.map((r) => [r.method, r.url, r]))('%s %s: 401 without a key or with an unknown one', async (_m, _u, route) => {
    for (const key of [null, 'csk_unknown-key-value', '']) {
      const res = await t.request(route.method, route.url, route.body, { key, headers: route.headers });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expectProblem(
      await t.request(route.method, route.url, route.body, {
        key: null,
        headers: { ...route.headers, authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      }),
      401,
    );
  });

  it.each(ROUTES.map((r) => [r.method, r.url, r]))('%s %s: exactly the right scopes get through', async (_m, _u, route) => {
    for (const scope of ALL_SCOPES) {
      const res = await t.request(route.method, route.url, route.body, { key: keys[scope], headers: route.headers });
      const allowed = scope === 'admin' || route.scopes.includes(scope);
      if (allowed) expect([200, 201, 204, 404]).toContain(res.status);
      else expectProblem(res, 403);
    }
  });

  it("names the request in every error body and header: the caller's X-Request-Id when it is a plain token, else a new UUID", async () => {
    const mine = await t.get('/v1/campaigns', { key: null, headers: { 'x-request-id': 'checkout-7f3a.2' } });
    expectProblem(mine, 401);
    expect({ body: mine.body.requestId, header: mine.headers['x-request-id'] }).toEqual({ body: 'checkout-7f3a.2', header: 'checkout-7f3a.2' });
    for (const hostile of ['has spaces', 'x'.repeat(129), '<script>', '']) {
      const res = await t.post('/v1/consents', { channel: 'fax' }, { headers: { 'x-request-id': hostile } });
      expectProblem(res, 400, 'channel');
      expect(res.body.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    }
    const first = await t.get('/v1/nothing-here');
    const second = await t.get('/v1/nothing-here');
    expectProblem(first, 404);
    expect(first.body.requestId).not.toBe(second.body.requestId);
  });

  it('reserving a send (reserve: true writes a send that counts against caps) needs sends:write, not only decisions:read', async () => {
    await t.put('/v1/campaigns/otp', { name: 'otp', purpose: 'transactional', channels: ['sms'] });
    const body = { address: '+14155550111', channel: 'sms', campaignId: 'otp', reserve: true };
    const before = await t.count('send');
    const refused = await t.post('/v1/decisions', body, { key: keys['decisions:read'] });
    expectProblem(refused, 403);
    expect(refused.body.detail).toContain('sends:write');
    expect(await t.count('send')).toBe(before);
    // Without reserve, decisions:read is enough; with both scopes, the reservation is made.
    expect((await t.post('/v1/decisions', { ...body, reserve: false }, { key: keys['decisions:read'] })).body).toMatchObject({ allowed: true });
    const both = (await t.post('/v1/api-keys', { name: 'sender', scopes: ['decisions:read', 'sends:write'] })).body.secret;
    expect((await t.post('/v1/decisions', body, { key: both })).body).toMatchObject({ allowed: true });
    expect(await t.count('send')).toBe(before + 1);
  });

  it('answers with X-Content-Type-Options: nosniff everywhere, and Cache-Control: no-store where a secret is shown', async () => {
    for (const res of [
      await t.get('/health/live', { key: null }),
      await t.get('/metrics', { key: null }),
      await t.get('/v1/campaigns'),
      await t.get('/v1/campaigns', { key: null }),
      await t.post('/v1/consents', { channel: 'fax' }),
      await t.get('/v1/nothing-here'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const key = await t.post('/v1/api-keys', { name: 'shown once', scopes: ['consents:read'] });
    expect(key.status).toBe(201);
    expect(key.headers['cache-control']).toBe('no-store');
    const endpoint = await t.post('/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks', events: ['consent.changed'] });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body.secret).toMatch(/^whsec_/);
    expect(endpoint.headers['cache-control']).toBe('no-store');
  });

  it('health endpoints need no key', async () => {
    expect((await t.get('/health/live', { key: null })).status).toBe(200);
    expect((await t.get('/health/ready', { key: null })).body).toEqual({ status: 'ok' });
  });

  describe('API keys', () => {
    it('returns the secret once and stores only its SHA-256', async () => {
      const res = await t.post('/v1/api-keys', { name: 'reader', scopes: ['consents:read', 'decisions:read'] });
      expect(res.body).toMatchObject({
        id: expect.any(String),
        name: 'reader',
        scopes: ['consents:read', 'decisions:read'],
        createdBy: 'admin',
        revokedAt: null,
      });
      expect(res.body.secret).toMatch(/^csk_[A-Za-z0-9_-]{32}$/);
      expect(res.body.prefix).toBe(res.body.secret.slice(0, 12));
      const { rows } = await t.sql.query('select * from api_key where id = $1', [res.body.id]);
      expect(JSON.stringify(rows[0])).not.toContain(res.body.secret);
      const { createHash } = await import('node:crypto');
      expect(rows[0].secret_hash).toBe(createHash('sha256').update(res.body.secret).digest('hex'));
      const listed = (await t.get('/v1/api-keys')).body.find((k: { id: string }) => k.id === res.body.id);
      expect(listed).toBeDefined();
      expect(listed.secret).toBeUndefined();
    });

    it('a revoked key stops working at once; revoking twice is fine; an unknown id is a 404', async () => {
      const { id, secret } = (await t.post('/v1/api-keys', { name: 'temp', scopes: ['decisions:read'] })).body;
      expect((await t.get('/v1/campaigns', { key: secret })).status).toBe(200);
      expect((await t.delete(`/v1/api-keys/${id}`)).status).toBe(204);
      expectProblem(await t.get('/v1/campaigns', { key: secret }), 401);
      expect((await t.delete(`/v1/api-keys/${id}`)).status).toBe(204);
      expectProblem(await t.delete('/v1/api-keys/11111111-1111-4111-8111-111111111111'), 404);
      expectProblem(await t.delete('/v1/api-keys/not-a-uuid'), 400, 'id');
    });

    it('records who wrote an event', async () => {
      const res = await t.post('/v1/consents', { customerId: 'u1', channel: 'sms', action: 'opt_out', source: 'api' }, { key: keys['consents:write'] });
      const { rows } = await t.sql.query(`select id from api_key where name = 'key consents:write'`);
      expect(res.body.event.recordedBy).toBe(`api_key:${rows[0].id}`);
    });

    it.each([
      [{ name: 'x', scopes: ['root'] }, 'scopes'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: '', scopes: ['admin'] }, 'name'],
      [{ name: 'x' }, 'scopes'],
      [{ name: 'x', scopes: ['admin'], secret: 'chosen' }, 'secret'],
    ])('%j is a 400 naming %s', async (body, field) => {
      const before = await t.count('api_key');
      expectProblem(await t.post('/v1/api-keys', body), 400, field);
      expect(await t.count('api_key')).toBe(before);
    });

    it('the ledger names a key by its id, never by any part of its secret', async () => {
      const res = await t.post('/v1/api-keys', { name: 'ledgered', scopes: ['consents:read'] });
      expect((await t.delete(`/v1/api-keys/${res.body.id}`)).status).toBe(204);
      const { rows } = await t.sql.query(`select type, subject, details from system_event where subject = $1 order by id`, [`api_key:${res.body.id}`]);
      expect(rows.map((r) => r.type)).toEqual(['api_key.created', 'api_key.revoked']);
      const secret: string = res.body.secret;
      const recorded = JSON.stringify(rows);
      for (let i = 4; i + 6 <= secret.length; i++) expect(recorded).not.toContain(secret.slice(i, i + 6));
      expect(rows[0].details).toEqual({ name: 'ledgered', scopes: ['consents:read'] });
    });

    it('the admin key from the environment is never stored', async () => {
      const { rows } = await t.sql.query('select count(*)::int as n from api_key where name = $1', [ADMIN_KEY]);
      expect(rows[0].n).toBe(0);
    });
  });
});

describe('unknown keys cost bounded work', () => {
  let t: TestApp;
  let lookups: jest.SpyInstance;
  beforeAll(async () => {
    t = await TestApp.start({ API_KEY_CACHE_TTL_MS: '60000', API_KEY_CACHE_SIZE: '10', AUTH_FAILURE_LIMIT: '30' });
    const { ApiKeysRepository } = await import('../src/api-keys/api-keys.repository');
    lookups = jest.spyOn(t.app.get(ApiKeysRepository), 'findActiveBySecretHash');
  });
  afterAll(() => t.close());

  /** Unknown keys are counted per address per clock minute: a test that counts them starts well inside a minute. */
  async function awayFromMinuteEnd(): Promise<void> {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
  }

  it('a flood of unknown keys evicts the least recently used entries, not a key in use', async () => {
    const key = (await t.post('/v1/api-keys', { name: 'busy', scopes: ['campaigns:read'] })).body.secret as string;
    expect((await t.get('/v1/campaigns', { key })).status).toBe(200);
    await awayFromMinuteEnd();
    lookups.mockClear();
    for (let i = 0; i < 25; i++) {
      expectProblem(await t.get('/v1/campaigns', { key: `csk_unknown-${i}-0123456789abcdef`, remoteAddress: '192.0.2.1' }), 401);
      expect((await t.get('/v1/campaigns', { key, remoteAddress: '192.0.2.1' })).status).toBe(200);
    }
    // Each unknown key was looked up once; the key in use never again.
    expect(lookups).toHaveBeenCalledTimes(25);
  });

  it('past AUTH_FAILURE_LIMIT unknown keys from one address, the next ones get a 429 without a lookup; known keys still work', async () => {
    const from = { remoteAddress: '192.0.2.2' };
    const key = (await t.post('/v1/api-keys', { name: 'steady', scopes: ['campaigns:read'] })).body.secret as string;
    expect((await t.get('/v1/campaigns', { key, ...from })).status).toBe(200);
    await awayFromMinuteEnd();
    lookups.mockClear();
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) {
      answers.push((await t.get('/v1/campaigns', { key: `csk_guess-${i}-0123456789abcdef`, ...from })).status);
      // A key in use stays known (recently used in the cache) while the guesses go on.
      expect((await t.get('/v1/campaigns', { key, ...from })).status).toBe(200);
    }
    expect(answers.filter((s) => s === 401)).toHaveLength(30);
    expect(answers.filter((s) => s === 429)).toHaveLength(10);
    expect(lookups).toHaveBeenCalledTimes(30);
    const refused = await t.get('/v1/campaigns', { key: 'csk_guess-more-0123456789abcdef', ...from });
    expectProblem(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.get('/v1/campaigns', { key, ...from })).status).toBe(200);
    expect((await t.get('/v1/campaigns', { key: ADMIN_KEY, ...from })).status).toBe(200);
    // Another address is not held back by this one's failures.
    expectProblem(await t.get('/v1/campaigns', { key: 'csk_guess-elsewhere-0123456789abcdef', remoteAddress: '192.0.2.3' }), 401);
  });
});
