import fc from 'fast-check';
import { snapshotCounts, TestApp, TestResponse } from './support/test-app';

/**
 * Every endpoint driven with generated bodies, path segments, query strings and headers:
 * wrong types, huge and unicode strings, deep nesting, prototype-pollution keys. Whatever
 * comes in: never a 5xx, every error is problem+json, and a rejected request writes nothing.
 */
const ROUTES: { method: string; path: (seg: string) => string; body: boolean }[] = [
  { method: 'POST', path: () => '/v1/consents', body: true },
  { method: 'GET', path: () => '/v1/consents', body: false },
  { method: 'POST', path: () => '/v1/decisions', body: true },
  { method: 'POST', path: () => '/v1/decisions/batch', body: true },
  { method: 'PUT', path: (s) => `/v1/campaigns/${s}`, body: true },
  { method: 'GET', path: (s) => `/v1/campaigns/${s}`, body: false },
  { method: 'PUT', path: (s) => `/v1/customers/${s}`, body: true },
  { method: 'GET', path: (s) => `/v1/customers/${s}/history`, body: false },
  { method: 'PUT', path: (s) => `/v1/customers/${s}/preferences`, body: true },
  { method: 'PUT', path: (s) => `/v1/senders/${s}`, body: true },
  { method: 'POST', path: () => '/v1/inbound/messages', body: true },
  { method: 'POST', path: () => '/v1/inbound/twilio', body: true },
  { method: 'POST', path: () => '/v1/sends', body: true },
  { method: 'POST', path: () => '/v1/api-keys', body: true },
  { method: 'DELETE', path: (s) => `/v1/api-keys/${s}`, body: false },
  { method: 'POST', path: () => '/v1/webhook-endpoints', body: true },
  { method: 'GET', path: (s) => `/v1/webhook-endpoints/${s}/deliveries`, body: false },
  { method: 'POST', path: (s) => `/v1/admin/jobs/${s}/run`, body: false },
  { method: 'GET', path: () => '/v1/audit/events', body: false },
  { method: 'GET', path: () => '/v1/audit/export', body: false },
  { method: 'GET', path: () => '/v1/audit/verify', body: false },
  { method: 'GET', path: (s) => `/v1/audit/exports/${s}/proof`, body: false },
  { method: 'POST', path: (s) => `/v1/customers/${s}/erasure`, body: true },
  { method: 'POST', path: () => '/v1/imports', body: true },
  { method: 'GET', path: () => '/v1/imports', body: false },
  { method: 'GET', path: (s) => `/v1/imports/${s}`, body: false },
];

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'channel',
  'campaignId',
  'address',
  'customerId',
  'action',
  'source',
  'recipients',
  'evidence',
  'keywords',
  'channels',
  'quietHours',
  'maxMessages',
  'messageId',
  'at',
  'reserve',
];

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 3000, maxLength: 6000 }),
  fc.constantFrom('sms', 'email', 'promo', 'opt_out', 'opt_in', '+14155550100', 'P1D', '21:00', '2026-01-01T00:00:00Z', '', ' ', '\u0000', '💥', 'NaN'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 })), tie('node'), { maxKeys: 6 }),
})).node;
const deep = fc.integer({ min: 50, max: 2000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const body = fc.oneof(
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), value, { maxKeys: 8 }).map((v) => JSON.stringify(v)),
  deep,
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{',
    '',
    'null',
    '[]',
    '"x"',
    'address,"broken\n+14155550100',
    'address\n"unterminated',
    '{"address":"+14155550100","__proto__":{"x":1}}\n{',
    'a,b,c\n1,2,3',
  ),
);
const segment = fc
  .oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('promo', '..', '%2e%2e', 'a'.repeat(300), '__proto__', '00000000-0000-4000-8000-000000000000'),
  )
  .map((s) => encodeURIComponent(s) || 'x');
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('channel', 'address', 'limit', 'cursor', '__proto__'), fc.string({ maxLength: 8 })),
  fc.string({ maxLength: 40 }),
  { maxKeys: 4 },
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'text/csv',
      'application/x-ndjson',
    ),
    'idempotency-key': fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constant('k'.repeat(300))), { nil: undefined }),
  },
  { requiredKeys: ['content-type'] },
);

function assertWellFormed(res: TestResponse, what: string): void {
  if (res.status >= 500) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    if (!String(res.headers['content-type']).includes('application/problem+json')) throw new Error(`${what}: ${res.status} is not problem+json`);
    if (/at \S+ \(|QueryFailedError|node_modules/.test(res.text)) throw new Error(`${what}: leaks internals: ${res.text.slice(0, 300)}`);
  }
}

describe('hostile input on every endpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ TWILIO_AUTH_TOKEN: 'fuzz-token', PUBLIC_BASE_URL: 'https://consent.example.com' });
    await t.put('/v1/campaigns/promo', { name: 'p', purpose: 'marketing', channels: ['sms', 'email'] });
  });
  afterAll(() => t.close());

  it.each(ROUTES.map((r) => [`${r.method} ${r.path(':x')}`, r]))('%s: never a 5xx, always problem+json, nothing written on rejection', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(segment, body, query, headers, async (seg, payload, q, h) => {
        const hdrs: Record<string, string> = { 'content-type': h['content-type'] };
        if (h['idempotency-key'] !== undefined) hdrs['idempotency-key'] = h['idempotency-key'];
        const url = route.path(seg);
        const before = await snapshotCounts(t);
        const res = await t.request(route.method, url, route.body ? payload : undefined, { headers: hdrs, query: q });
        const what = `${route.method} ${url} ${JSON.stringify(payload).slice(0, 200)}`;
        assertWellFormed(res, what);
        if (res.status >= 400) {
          const after = await snapshotCounts(t);
          if (JSON.stringify(after) !== JSON.stringify(before))
            throw new Error(`${what}: ${res.status} but wrote ${JSON.stringify(after)} vs ${JSON.stringify(before)}`);
        }
      }),
      { numRuns: 40, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    );
  });

  it('answers malformed and over-long URLs before routing with problem+json too', async () => {
    const long = await t.get(`/v1/campaigns/${'a'.repeat(3000)}`);
    expect({ status: long.status, type: long.headers['content-type'], code: long.body?.code }).toEqual({
      status: 414,
      type: expect.stringContaining('application/problem+json'),
      code: 'URI_TOO_LONG',
    });
    const bad = await t.get('/v1/campaigns/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});
