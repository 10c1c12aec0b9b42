import { ChildProcess } from 'node:child_process';
import { ClientRequest, IncomingMessage, request } from 'node:http';
import { Client } from 'pg';
import { checkExchange } from './support/contract';
import { freePort } from './support/free-port';
import { startService } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { ADMIN_KEY, TestApp } from './support/test-app';

const CUTS = 20;
const OPTED_OUT = '+14155550101';
const OPTED_IN = '+14155550102';

/**
 * Every connection the service holds is cut while it is busy with it: an export's snapshot
 * streaming to a reader that stopped reading, an import between chunks, a transaction waiting
 * between statements. node-postgres emits 'error' on a checked-out client whose socket ends;
 * without a listener that kills the process. Twenty cuts in a row: the process stays up, fails
 * closed while the database is out of reach, answers right once it is back, and the ledger
 * still verifies.
 */
describe('database connections cut while in use', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let child: ChildProcess;
  let base: string;
  const output: string[] = [];
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  /** What a failed round may leave open: closed in afterAll whatever happened. */
  const open: { destroy(): void }[] = [];
  const locks: Client[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    const target = new URL(t.config.databaseUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(t.config.databaseUrl!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    await t.put('/v1/campaigns/promo', { name: 'promo', purpose: 'marketing', channels: ['sms'] });
    await t.post('/v1/consents', { address: OPTED_OUT, channel: 'sms', campaignId: 'promo', action: 'opt_out', source: 'api' });
    await t.post('/v1/consents', { address: OPTED_IN, channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'api' });
    // Enough ledger that an export cannot fit in the sockets' buffers: its snapshot stays open while the reader waits.
    await t.sql.query(
      `insert into consent_event (channel, channel_group, address, campaign_id, action, source, evidence, occurred_at, recorded_by)
       select 'sms', 'sms', '+1415' || (7000000 + i)::text, 'promo', 'opt_out', 'import', jsonb_build_object('text', repeat('x', 200)), now(), 'test'
         from generate_series(1, 20000) i`,
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = await startService(viaProxy.toString(), port, { REQUEST_TIMEOUT_MS: '1000', SEAL_INTERVAL_MS: '100', RATE_LIMIT_SYNC_MS: '50' }, output);
  }, 60_000);

  afterAll(async () => {
    for (const o of open) o.destroy();
    for (const lock of locks) await lock.end().catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited; // its output pipes close with it: nothing keeps this worker alive
    }
    await proxy.restore().catch(() => undefined);
    await t.close();
    await proxy.cut();
  });

  /**
   * One request on a connection of its own: a pooled keep-alive socket can be closed by the
   * server's idle timer just as it is reused (ECONNRESET on a busy machine), which says nothing
   * about the service.
   */
  const call = (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const headers = { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const req = request(`${base}${path}`, { method, agent: false, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          checkExchange({
            method,
            url: path,
            requestHeaders: headers,
            requestBody: body === undefined ? undefined : JSON.stringify(body),
            status: res.statusCode!,
            responseHeaders: res.headers,
            responseBody: text,
          }).then(() => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }), reject),
        );
        res.on('error', reject);
      });
      // A reset connection is how a dying service looks from here: say what became of it.
      req.on('error', (error: Error) =>
        setTimeout(
          () =>
            reject(
              new Error(
                `${method} ${path}: ${error.message}; the service: ${child.exitCode === null ? 'running' : `exited ${child.exitCode}: ${output.join('').slice(-2000)}`}`,
                { cause: error },
              ),
            ),
          200,
        ),
      );
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  const decide = async (address: string) => {
    const res = await call('POST', '/v1/decisions', { address, channel: 'sms', campaignId: 'promo' });
    return { status: res.status, body: res.body as Record<string, unknown> };
  };

  const alive = () => {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the service exited (${child.exitCode ?? child.signalCode}): ${output.join('').slice(-3000)}`);
  };

  /** An export whose reader takes one piece and then stops reading. */
  const pausedExport = () =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${base}/v1/audit/export`, { headers: auth, agent: false }, (res) => {
        open.push(res);
        res.once('data', () => {
          res.pause();
          resolve(res);
        });
        res.on('error', () => undefined);
      });
      req.on('error', reject);
      req.end();
    });

  /** An import that has sent its first chunk (committed) and now sends nothing. */
  const stalledImport = async (n: number): Promise<ClientRequest> => {
    const key = `cut-${n}`;
    const req = request(`${base}/v1/imports`, { method: 'POST', agent: false, headers: { ...auth, 'content-type': 'text/csv', 'idempotency-key': key } });
    open.push(req);
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    req.write('phone_number,date\n');
    for (let i = 0; i < 5001; i++) req.write(`+1415${8_000_000 + n * 10_000 + i},2026-01-01\n`);
    for (let i = 0; i < 100; i++) {
      const list = (await call('GET', `/v1/imports?idempotencyKey=${key}`)).body as { rowsRead: number }[];
      if (list[0]?.rowsRead >= 5000) return req;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the first chunk of the import was not committed');
  };

  /** A transaction that has written and now waits on a lock this test holds (directly, not through the relay). */
  const blockedTransaction = async (n: number): Promise<{ lock: Client; write: Promise<unknown> }> => {
    const lock = new Client({ connectionString: t.config.databaseUrl });
    locks.push(lock);
    lock.on('error', () => undefined);
    await lock.connect();
    await lock.query('begin');
    await lock.query('lock table consent_event in exclusive mode');
    const write = new Promise<number | null>((resolve) => {
      const headers = { ...auth, 'content-type': 'application/json', 'idempotency-key': `blocked-${n}` };
      const req = request(`${base}/v1/consents`, { method: 'POST', agent: false, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? null));
      });
      req.on('error', () => resolve(null));
      req.end(JSON.stringify({ address: `+1415${9_000_000 + n}`, channel: 'sms', action: 'opt_out', source: 'api' }));
    });
    for (let i = 0; i < 100; i++) {
      const { rows } = await t.sql.query(
        `select count(*)::int as n from pg_stat_activity where application_name = 'consent-service' and datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (rows[0].n > 0) return { lock, write };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the write did not block on the lock');
  };

  it(`survives ${CUTS} cuts in a row: 503 while cut, right answers after, the ledger verifies`, async () => {
    for (let n = 1; n <= CUTS; n++) {
      const reader = await pausedExport();
      const upload = await stalledImport(n);
      const { lock, write } = await blockedTransaction(n);

      await proxy.cut();
      await new Promise((r) => setTimeout(r, 100));
      alive();
      const cut = await decide(OPTED_IN);
      expect(cut.status).toBe(503);
      expect(cut.body.allowed).toBeUndefined();

      await lock.query('rollback');
      await lock.end();
      reader.destroy();
      upload.destroy();
      await write;
      await proxy.restore();
      alive();

      let answer = await decide(OPTED_IN);
      for (let i = 0; i < 50 && answer.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await decide(OPTED_IN);
      }
      expect(answer.body).toMatchObject({ allowed: true, outcome: 'allow', reason: 'opted_in' });
      expect((await decide(OPTED_OUT)).body).toMatchObject({ allowed: false, outcome: 'deny', reason: 'opted_out' });
      alive();
    }

    const head = async () => (await call('GET', '/v1/audit/head')).body as { pending: number };
    for (let i = 0; i < 100 && (await head()).pending > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const verified = (await call('GET', '/v1/audit/verify')).body as { ok: boolean; events: number };
    expect(verified).toMatchObject({ ok: true });
    alive();
  }, 240_000);
});
