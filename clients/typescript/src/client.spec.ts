import { BATCH_LIMIT, createConsentClient } from './client';

/**
 * The client's own behaviour (keys, retries, batches), against answers scripted here; the
 * same client against the real service is in test/typescript-client.e2e-spec.ts.
 */
interface Seen {
  method: string;
  path: string;
  key: string | null;
  body: string;
}

function scripted(answers: (Response | Error | ((request: Seen) => Response))[]) {
  const seen: Seen[] = [];
  const waits: number[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const sent = { method: request.method, path: new URL(request.url).pathname, key: request.headers.get('idempotency-key'), body: await request.text() };
    seen.push(sent);
    const next = answers.shift() ?? new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(sent) : next;
  };
  const client = createConsentClient({
    baseUrl: 'http://consent.test',
    apiKey: 'csk_test',
    fetch,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
    retry: { baseDelayMs: 100 },
  });
  return { client, seen, waits };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });
const unavailable = (retryAfter = '2') =>
  json(503, { type: 'about:blank', title: 'Service unavailable', status: 503, code: 'SERVICE_UNAVAILABLE' }, { 'retry-after': retryAfter });
const optOut = { address: '+14155550100', channel: 'sms', action: 'opt_out', source: 'api' } as const;

describe('the typed client', () => {
  it('sends the API key on every request', async () => {
    const { client } = scripted([]);
    let authorization: string | null = null;
    client.use({ onRequest: ({ request }) => void (authorization = request.headers.get('authorization')) });
    await client.GET('/v1/campaigns');
    expect(authorization).toBe('Bearer csk_test');
  });

  it('gives every write that takes an Idempotency-Key a new one, and keeps it across retries', async () => {
    const { client, seen, waits } = scripted([unavailable('2'), json(201, {})]);
    await client.POST('/v1/consents', { body: optOut });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seen[1]).toEqual(seen[0]);
    expect(waits).toEqual([2000]);
    await client.POST('/v1/consents', { body: optOut });
    expect(seen[2]?.key).not.toBe(seen[0]?.key);
  });

  it('keeps a key the caller gives', async () => {
    const { client, seen } = scripted([]);
    await client.POST('/v1/consents', { body: optOut, params: { header: { 'Idempotency-Key': 'order-42' } } });
    expect(seen[0]?.key).toBe('order-42');
  });

  it('asks a decision again without a key (it only reads), but gives a reserving decision one (it counts against caps)', async () => {
    const { client, seen } = scripted([unavailable('1'), json(200, {}), json(200, {})]);
    await client.POST('/v1/decisions', { body: { address: '+14155550100', channel: 'sms', campaignId: 'c' } });
    await client.POST('/v1/decisions', { body: { address: '+14155550100', channel: 'sms', campaignId: 'c', reserve: true } });
    expect(seen.map((s) => s.key === null)).toEqual([true, true, false]);
  });

  it('never repeats a POST that takes no key: running a job twice is not the caller’s choice to make', async () => {
    const { client, seen, waits } = scripted([unavailable('1')]);
    const { error } = await client.POST('/v1/admin/jobs/{job}/run', { params: { path: { job: 'seal' } } });
    expect(error?.code).toBe('SERVICE_UNAVAILABLE');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.key).toBeNull();
    expect(waits).toEqual([]);
  });

  it('retries reads and keyed writes after a lost connection, with back-off; gives the error back when attempts run out', async () => {
    const lost = () => new TypeError('fetch failed');
    const { client, seen, waits } = scripted([lost(), lost(), json(200, [])]);
    const { data } = await client.GET('/v1/campaigns');
    expect(data).toEqual([]);
    expect(seen).toHaveLength(3);
    expect(waits).toHaveLength(2);
    // 100 ms, then 200 ms, each less up to half of it.
    const [first = 0, second = 0] = waits;
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(100);
    expect(second).toBeLessThanOrEqual(200);
    const failing = scripted([lost(), lost(), lost(), lost()]);
    await expect(failing.client.GET('/v1/campaigns')).rejects.toThrow('fetch failed');
    expect(failing.seen).toHaveLength(4);
  });

  it('hands back a 429 whose Retry-After is longer than it will wait, and a 503 after the last attempt', async () => {
    const long = scripted([json(429, { type: 'about:blank', title: 'Too many requests', status: 429, code: 'RATE_LIMITED' }, { 'retry-after': '45' })]);
    const { error, response } = await long.client.GET('/v1/campaigns');
    expect(error?.code).toBe('RATE_LIMITED');
    expect(response.headers.get('retry-after')).toBe('45');
    expect(long.waits).toEqual([]);
    const down = scripted([unavailable(), unavailable(), unavailable(), unavailable(), json(200, [])]);
    expect((await down.client.GET('/v1/campaigns')).error?.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.seen).toHaveLength(4);
  });

  it('does not retry what the caller aborted', async () => {
    const controller = new AbortController();
    const { client, seen } = scripted([
      () => {
        controller.abort();
        throw new DOMException('aborted', 'AbortError');
      },
    ]);
    await expect(client.GET('/v1/campaigns', { signal: controller.signal })).rejects.toThrow('aborted');
    expect(seen).toHaveLength(1);
  });

  it(`decides any number of recipients in batches of ${BATCH_LIMIT}, answering in request order`, async () => {
    const decide = ({ body }: Seen) => {
      const { recipients } = JSON.parse(body) as { recipients: { customerId: string }[] };
      return json(200, { decidedAt: '2026-11-30T00:00:00.000Z', at: null, results: recipients.map((r) => ({ reason: r.customerId })) });
    };
    const { client, seen } = scripted([decide, decide, decide]);
    const recipients = Array.from({ length: 2 * BATCH_LIMIT + 1 }, (_, i) => ({ customerId: `c${i}` }));
    const { data } = await client.decideBatch({ campaignId: 'c', channel: 'sms', recipients });
    expect(seen.map((s) => (JSON.parse(s.body) as { recipients: unknown[] }).recipients.length)).toEqual([BATCH_LIMIT, BATCH_LIMIT, 1]);
    expect(data?.results.map((r) => r.reason)).toEqual(recipients.map((r) => r.customerId));
  });

  it('stops at the first batch that fails, saying where it began', async () => {
    const ok = json(200, { decidedAt: '2026-11-30T00:00:00.000Z', at: null, results: [] });
    const { client, seen } = scripted([ok, json(404, { type: 'about:blank', title: 'Not found', status: 404, code: 'CAMPAIGN.NOT_FOUND' })]);
    const recipients = Array.from({ length: 3 * BATCH_LIMIT }, (_, i) => ({ customerId: `c${i}` }));
    const outcome = await client.decideBatch({ campaignId: 'gone', channel: 'sms', recipients });
    expect(outcome.error?.code).toBe('CAMPAIGN.NOT_FOUND');
    expect(outcome.error && outcome.offset).toBe(BATCH_LIMIT);
    expect(seen).toHaveLength(2);
  });
});
