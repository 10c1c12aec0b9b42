import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './support/free-port';
import { ADMIN_KEY, TestApp } from './support/test-app';

const ROOT = resolve(__dirname, '..');

/** The real service in its own process (compiled on the fly), on the given database. */
async function startService(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'error', MIGRATIONS_RUN: 'false', TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return child;
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not become ready');
}

/** kill -9 in the middle of a stream of writes: every write that got a 2xx is there after a restart. */
describe('process killed during writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'p', purpose: 'marketing', channels: ['sms'] });
  });
  afterAll(() => t.close());

  it('loses no acknowledged write and leaves no half-written one', async () => {
    const port = await freePort();
    let child = await startService(t.config.databaseUrl!, port);
    const base = `http://127.0.0.1:${port}`;
    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const address = `+1415${String(2_000_000 + n++)}`;
        const res = await fetch(`${base}/v1/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, 'idempotency-key': `kill-${address}` },
          body: JSON.stringify({ address, channel: 'sms', campaignId: 'promo', action: 'opt_out', source: 'api' }),
        }).catch(() => null);
        if (res?.status === 201) acknowledged.push(address);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(20);

    child = await startService(t.config.databaseUrl!, port);
    try {
      const { rows } = await t.sql.query(`select address from consent_event where address = any($1::text[]) and action = 'opt_out' and campaign_id = 'promo'`, [acknowledged]);
      expect(new Set(rows.map((r) => r.address)).size).toBe(acknowledged.length);
      // Each write is one transaction: an event exists exactly when its idempotency record does.
      const { rows: orphans } = await t.sql.query(
        `select count(*)::int as n from consent_event e
          where e.address like '+14152%' and not exists (select 1 from idempotency_record r where r.key = 'kill-' || e.address)`,
      );
      expect(orphans[0].n).toBe(0);
      const { rows: lost } = await t.sql.query(
        `select count(*)::int as n from idempotency_record r
          where r.key like 'kill-%' and not exists (select 1 from consent_event e where 'kill-' || e.address = r.key)`,
      );
      expect(lost[0].n).toBe(0);
      // And the restarted service answers from them.
      const decision = await fetch(`${base}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ address: acknowledged[acknowledged.length - 1], channel: 'sms', campaignId: 'promo' }),
      });
      expect(await decision.json()).toMatchObject({ allowed: false, reason: 'opted_out' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
