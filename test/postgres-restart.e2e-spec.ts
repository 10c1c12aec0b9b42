import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { freePort } from './support/free-port';
import { expectProblem, TestApp } from './support/test-app';

/**
 * A real PostgreSQL server stopped and started again under a running service (the outage test
 * next door cuts the network instead): fail closed while it is down, recover without a restart,
 * lose nothing acknowledged, and the ledger still verifies.
 */
describe('PostgreSQL stopped and restarted', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'consent-restart-')), 'data');
  let server: ChildProcess;
  let lines: AsyncIterator<string>;
  let url: string;
  let t: TestApp;
  /** Sends a command to the server's process and waits for its answer. */
  const command = async (line: string | null): Promise<string> => {
    if (line) server.stdin!.write(`${line}\n`);
    const { value } = await lines.next();
    if (!value || value.startsWith('error')) throw new Error(`PostgreSQL control: ${value}`);
    return value;
  };
  beforeAll(async () => {
    server = spawn(process.execPath, ['-r', 'ts-node/register', 'test/support/pg-control.ts', dataDir, String(await freePort())], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
    url = (await command(null)).slice('ready '.length);
    t = await TestApp.on(url, { REQUEST_TIMEOUT_MS: '1000' });
    t.sql.on('error', () => undefined); // the test's own connection dies with the server; the service's must not matter
    await t.put('/v1/campaigns/otp', { name: 'otp', purpose: 'transactional', channels: ['sms'] });
  }, 120_000);
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await command('exit').catch(() => undefined);
    server.kill();
  });

  it('answers 503 while it is down, and recovers when it is back', async () => {
    const decision = { address: '+14155550100', channel: 'sms', campaignId: 'otp' };
    const acknowledged = await t.post('/v1/consents', { address: '+14155550101', channel: 'sms', action: 'opt_out', source: 'api' });
    expect(acknowledged.status).toBe(201);
    expect((await t.post('/v1/decisions', decision)).body).toMatchObject({ allowed: true });

    expect(await command('stop')).toBe('stopped');
    const started = Date.now();
    const denied = await t.post('/v1/decisions', decision);
    expect(Date.now() - started).toBeLessThan(5000);
    expectProblem(denied, 503);
    expect(Number(denied.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(await t.post('/v1/consents', { address: '+14155550102', channel: 'sms', action: 'opt_out', source: 'api' }), 503);
    expectProblem(await t.get('/v1/audit/head'), 503);
    expectProblem(await t.get('/health/ready', { key: null }), 503);

    expect(await command('start')).toBe(`ready ${url}`);
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await t.get('/health/ready', { key: null })).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    expect((await t.post('/v1/decisions', decision)).body).toMatchObject({ allowed: true });
    expect((await t.post('/v1/decisions', { ...decision, address: '+14155550101' })).body).toMatchObject({ allowed: false, reason: 'opted_out' });
    const sql = new Client({ connectionString: url });
    await sql.connect();
    try {
      const { rows } = await sql.query(`select address from consent_event order by id`);
      expect(rows.map((r) => r.address)).toEqual(['+14155550101']); // the acknowledged write, not the refused one
    } finally {
      await sql.end();
    }
    expect((await t.post('/v1/admin/jobs/seal/run')).status).toBe(200);
    expect((await t.get('/v1/audit/verify')).body).toMatchObject({ ok: true, events: 2 }); // the write and the campaign's creation
  }, 120_000);
});
