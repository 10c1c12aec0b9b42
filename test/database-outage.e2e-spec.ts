import { expectProblem, TestApp } from './support/test-app';
import { TcpProxy } from './support/tcp-proxy';

/** The database goes away under a running service: fail closed, then recover without a restart. */
describe('database outage', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const server = new URL(process.env.CONSENT_TEST_SERVER_URL!);
    proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
    await proxy.start();
    t = await TestApp.start(
      { REQUEST_TIMEOUT_MS: '1000' },
      {
        databaseUrl: (url) => {
          const u = new URL(url);
          u.hostname = '127.0.0.1';
          u.port = String(proxy.port);
          return u.toString();
        },
      },
    );
    await t.put('/v1/campaigns/otp', { name: 'otp', purpose: 'transactional', channels: ['sms'] });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t.close();
    await proxy.cut();
  });

  it('decisions answer 503 with Retry-After (never allowed), writes write nothing, ready goes red; all recover', async () => {
    const decision = { address: '+14155550100', channel: 'sms', campaignId: 'otp' };
    expect((await t.post('/v1/decisions', decision)).body).toMatchObject({ allowed: true, reason: 'no_objection' });
    const before = await t.count('consent_event');

    await proxy.cut();
    const started = Date.now();
    const denied = await t.post('/v1/decisions', decision);
    expect(Date.now() - started).toBeLessThan(5000);
    expectProblem(denied, 503);
    expect(denied.body.allowed).toBeUndefined();
    expect(Number(denied.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(await t.post('/v1/decisions/batch', { channel: 'sms', campaignId: 'otp', recipients: [{ address: '+14155550100' }] }), 503);
    expectProblem(await t.post('/v1/consents', { address: '+14155550100', channel: 'sms', action: 'opt_out', source: 'api' }), 503);
    expectProblem(await t.get('/health/ready', { key: null }), 503);
    expect((await t.get('/health/live', { key: null })).status).toBe(200);

    await proxy.restore();
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await t.get('/health/ready', { key: null })).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    expect(await t.count('consent_event')).toBe(before);
    expect((await t.post('/v1/decisions', decision)).body).toMatchObject({ allowed: true });
  });
});
