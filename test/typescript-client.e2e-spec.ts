import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignName, recordOptIn } from '../clients/typescript/examples/handle-errors';
import { sendIfAllowed } from '../clients/typescript/examples/sender';
import { BATCH_LIMIT, createConsentClient, importFile, type ConsentClient } from '../clients/typescript/src';
import { checkedRequest } from './support/contract';
import { ADMIN_KEY, TestApp } from './support/test-app';

/**
 * The typed client (clients/typescript) against the real service over HTTP: its README's flow,
 * its examples, batches over the limit, a file import, and a write retried after its answer was
 * lost. Every exchange is held to openapi.yaml on the way (checkedRequest).
 */
describe('the TypeScript client', () => {
  let t: TestApp;
  let baseUrl: string;
  let consent: ConsentClient;
  let dir: string;
  /** What went over the wire, in order. */
  const sent: { method: string; path: string; key: string | null; status: number }[] = [];

  const client = (fetch: (request: Request) => Promise<Response> = checkedRequest) =>
    createConsentClient({
      baseUrl,
      apiKey: ADMIN_KEY,
      fetch: async (request) => {
        const key = request.headers.get('idempotency-key');
        const response = await fetch(request);
        sent.push({ method: request.method, path: new URL(request.url).pathname, key, status: response.status });
        return response;
      },
    });

  beforeAll(async () => {
    t = await TestApp.start({ LOG_LEVEL: 'error' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    consent = client();
    await t.put('/v1/campaigns/spring-sale', { name: 'Spring sale', purpose: 'marketing', channels: ['sms'] });
    dir = mkdtempSync(join(tmpdir(), 'client-e2e-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });
  beforeEach(() => (sent.length = 0));

  it("runs its README's sender flow: decide, send only when allowed, record the send", async () => {
    expect(await recordOptIn(consent, { address: '+14155550100', channel: 'sms', campaignId: 'spring-sale' })).toBe('recorded');
    const sms: string[] = [];
    const sendSms = (to: string) => Promise.resolve(`SM${sms.push(to)}`);

    expect(await sendIfAllowed(consent, '+14155550100', 'Spring sale: 20% off', sendSms)).toBe('sent');
    expect(await sendIfAllowed(consent, '+14155550199', 'Spring sale: 20% off', sendSms)).toBe('no_consent');
    expect(sms).toEqual(['+14155550100']);
    const { rows } = await t.sql.query(`select address, message_id, decision_id from send where campaign_id = 'spring-sale'`);
    expect(rows).toEqual([{ address: '+14155550100', message_id: 'SM1', decision_id: expect.any(String) }]);
    // The reserving decision and the send went with keys of their own; the consent too.
    expect(sent.filter((s) => s.method === 'POST').map((s) => [s.path, s.key !== null])).toEqual([
      ['/v1/consents', true],
      ['/v1/decisions', true],
      ['/v1/sends', true],
      ['/v1/decisions', true],
    ]);
  });

  it('handles a 404 and a 422 through their typed codes (examples/handle-errors.ts)', async () => {
    expect(await campaignName(consent, 'spring-sale')).toBe('Spring sale');
    expect(await campaignName(consent, 'winter-sale')).toBeNull();
    const optIn = { address: '+14155550101', channel: 'sms', campaignId: 'spring-sale' } as const;
    expect(await recordOptIn(consent, { ...optIn, campaignId: 'winter-sale' })).toBe('no such campaign');
    expect(await recordOptIn(consent, { ...optIn, channel: 'email', address: 'a@example.com' })).toBe('channel not in campaign');
    expect(await recordOptIn(consent, optIn, 'signup-1')).toBe('recorded');
    expect(await recordOptIn(consent, optIn, 'signup-1')).toBe('recorded'); // the same request: replayed
    expect(await recordOptIn(consent, { ...optIn, address: '+14155550102' }, 'signup-1')).toBe('key used for another request');
    expect(sent.map((s) => s.status)).toEqual([200, 404, 404, 422, 201, 201, 422]);
  });

  it('a write whose answer was lost is sent again with the same key, and done once', async () => {
    let lost = false;
    const losing = client(async (request) => {
      const response = await checkedRequest(request);
      if (lost) return response;
      lost = true; // the service did it; the answer never arrives
      return new Response(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, code: 'SERVICE_UNAVAILABLE' }), {
        status: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
      });
    });
    const { data, response } = await losing.POST('/v1/consents', { body: { address: '+14155550103', channel: 'sms', action: 'opt_out', source: 'api' } });
    expect(data?.event.action).toBe('opt_out');
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);
    const { rows } = await t.sql.query(`select count(*)::int as n from consent_event where address = '+14155550103'`);
    expect(rows[0].n).toBe(1);
  });

  it(`decides ${2 * BATCH_LIMIT + 5} recipients in three batches, answered in order`, async () => {
    const recipients = Array.from({ length: 2 * BATCH_LIMIT + 5 }, (_, i) => ({ address: `+1415${String(6_000_000 + i)}` }));
    const optedIn = [0, BATCH_LIMIT - 1, BATCH_LIMIT, 2 * BATCH_LIMIT + 4];
    for (const i of optedIn) await t.post('/v1/consents', { ...recipients[i], channel: 'sms', campaignId: 'spring-sale', action: 'opt_in', source: 'api' });
    sent.length = 0;

    const { data, error } = await consent.decideBatch({ campaignId: 'spring-sale', channel: 'sms', recipients });
    expect(error).toBeUndefined();
    expect(sent.map((s) => [s.path, s.status])).toEqual(Array.from({ length: 3 }, () => ['/v1/decisions/batch', 200]));
    expect(data?.results).toHaveLength(recipients.length);
    const allowed = (data?.results ?? []).flatMap((r, i) => (r.allowed ? [i] : []));
    expect(allowed).toEqual(optedIn);
  });

  it('imports a file streamed from disk; the same file again replays, another under its key is refused', async () => {
    const path = join(dir, 'opt-outs.csv');
    writeFileSync(path, ['phone_number,date', ...Array.from({ length: 12_000 }, (_, i) => `+1415${String(7_000_000 + i)},2026-01-02`)].join('\n'));
    const first = await importFile(consent, path, { idempotencyKey: 'import-1' });
    expect(first.response.status).toBe(201);
    expect(first.data).toMatchObject({ status: 'completed', rowsRead: 12_000, rowsWritten: 12_000 });

    const again = await importFile(consent, path, { idempotencyKey: 'import-1' });
    expect(again.response.status).toBe(200);
    expect(again.data?.id).toBe(first.data?.id);

    writeFileSync(path, 'phone_number\n+14155550104\n');
    const other = await importFile(consent, path, { idempotencyKey: 'import-1' });
    expect(other.error?.code).toBe('IDEMPOTENCY_KEY.REUSED');
  });

  it('sends an import again, from the start of the file, when the connection is lost', async () => {
    const path = join(dir, 'opt-ins.ndjson');
    writeFileSync(path, '{"address":"+14155550105","channel":"sms","action":"opt_in","source":"import"}\n');
    let failures = 1;
    const flaky = client((request) => (failures-- > 0 ? Promise.reject(new TypeError('fetch failed')) : checkedRequest(request)));
    const { data } = await importFile(flaky, path);
    expect(data).toMatchObject({ status: 'completed', rowsWritten: 1 });
  });
});
