/**
 * `npm run bench`: decisions per second, single and batch, against a database holding
 * BENCH_ROWS consent events (default 1,000,000), next to the yardstick in ../shared/bench
 * run in the same invocation on the same database with the same load generator.
 *
 * Rounds alternate yardstick and service so that machine noise hits both; medians are
 * reported, and the ratio service/yardstick is the number to compare across runs.
 *   BENCH_DATABASE_URL  use this server instead of a temporary embedded one
 *   BENCH_ROWS, BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONNECTIONS (16),
 *   BENCH_BATCH_CONNECTIONS (4: batches from several sending services at once; each is ~200 ms
 *   of work split between Node and PostgreSQL, so one at a time leaves a core idle),
 *   BENCH_WRITE_SECONDS (20: consent writes while the ledger seals behind them),
 *   BENCH_ONLY=decisions (stop after the decision rounds: for A/B runs of the hot path)
 */
import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { verifyFile } from '../src/bin/audit-verify';
import { parseArgs, runImport } from '../src/bin/import';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { twilioSignature } from '../src/inbound/twilio-signature';
import { freePort } from '../test/support/free-port';
import { RAW_BATCH_STATEMENT } from './raw-statement';

import autocannon from 'autocannon';

const ROOT = resolve(__dirname, '..');
const YARDSTICK = resolve(ROOT, '..', 'shared', 'bench', 'yardstick.mjs');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
// Many short alternations rather than a few long ones: the machine's load drifts, and a ratio
// taken over two adjacent runs suffers less from it.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BATCH = 10_000;
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const KEY = 'bench-admin-key-0123456789abcdef';
const TWILIO_TOKEN = 'bench-twilio-auth-token-0123456789';
const STOP_LATENCY_SAMPLES = Number(process.env.BENCH_STOP_SAMPLES ?? 300);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function address(i: number): string {
  return `+1555${String(i).padStart(7, '0')}`;
}

/** A valid NANP number (the seeded +1555 ones are not, and writes check validity). */
const TWILIO_PATH = '/v1/inbound/twilio';

/** An inbound Twilio message `text` from `from`, signed as Twilio signs it: a webhook request's body and headers. */
function twilioWebhook(base: string, messageSid: string, from: string, text: string): { body: string; headers: Record<string, string> } {
  const params = { AccountSid: 'ACbench', MessageSid: messageSid, From: from, To: '+14155550999', Body: text, NumMedia: '0' };
  return {
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TWILIO_TOKEN, base + TWILIO_PATH, params) },
  };
}

function realNumber(exchange: number, i: number): string {
  return `+1415${exchange}${String(i % 1_000_000).padStart(6, '0')}`;
}

function spawnAndWait(cmd: string, args: string[], env: Record<string, string>, ready: RegExp | string): Promise<ChildProcess> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const succeed = () => {
      if (done) return;
      done = true;
      res(child);
    };
    const onData = (d: Buffer) => {
      if (done) process.stderr.write(d); // warnings and errors once running (LOG_LEVEL=warn)
      out += d.toString();
      if (ready instanceof RegExp && ready.test(out)) succeed();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      if (done) return;
      done = true;
      rej(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${out.slice(-2000)}`));
    });
    if (typeof ready === 'string') {
      const poll = async () => {
        while (!done) {
          const ok = await fetch(ready).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) return succeed();
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      void poll();
    }
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  await new Promise<void>((res) => {
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}

async function seed(url: string): Promise<void> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from consent_event`);
    if (rows[0].n >= ROWS) return;
    console.log(`seeding ${ROWS.toLocaleString()} consent events...`);
    const started = Date.now();
    // Set-based, triggers off: nothing here is campaign-scoped or published, and the bench
    // measures decisions, not the load.
    await sql.query('begin');
    await sql.query(`set local session_replication_role = replica`);
    await sql.query(`insert into campaign (id, name, purpose, channels) values ('promo', 'Promo', 'marketing', '{sms}') on conflict do nothing`);
    await sql.query(`insert into campaign_version (campaign_id, valid_from, purpose, channels) values ('promo', '-infinity', 'marketing', '{sms}')`);
    // Same shape as the yardstick: every address has a channel-wide opt-in; every 10th then opted out of promo.
    await sql.query(
      `insert into consent_event (channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_by)
       select 'sms', 'sms', '+1555' || lpad(i::text, 7, '0'), null, 'opt_in', 'import', now() - interval '30 days', 'bench'
       from generate_series(1, $1::int) i`,
      [Math.ceil(ROWS * 0.9)],
    );
    await sql.query(
      `insert into consent_event (channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_by)
       select 'sms', 'sms', '+1555' || lpad((i * 10)::text, 7, '0'), 'promo', 'opt_out', 'keyword', now() - interval '1 day', 'bench'
       from generate_series(1, $1::int) i`,
      [Math.floor(ROWS * 0.1)],
    );
    await sql.query('commit');
    await sql.query('vacuum analyze');
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await sql.end();
  }
}

const SWEEP_CONSENTS = Number(process.env.BENCH_SWEEP_CONSENTS ?? 1_000_000);
const SWEEP_DUE = Math.floor(SWEEP_CONSENTS / 10);

/**
 * A re-confirming campaign with SWEEP_CONSENTS campaign-scoped opt-ins, SWEEP_DUE of them due.
 * Loaded set-based with triggers off (the trigger would do row by row what the last statement
 * does at once): the bench measures the sweep, not the load.
 */
async function seedSweep(url: string): Promise<void> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const started = Date.now();
    await sql.query('begin');
    await sql.query(`set local session_replication_role = replica`);
    await sql.query(
      `insert into campaign (id, name, purpose, channels, reconfirm_every, reconfirm_grace) values ('recurring', 'Recurring', 'marketing', '{sms}', 'P180D', 'P14D')`,
    );
    await sql.query(
      `insert into campaign_version (campaign_id, valid_from, purpose, channels, reconfirm_every, reconfirm_grace) values ('recurring', '-infinity', 'marketing', '{sms}', 'P180D', 'P14D')`,
    );
    await sql.query(
      `insert into consent_event (channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_by)
       select 'sms', 'sms', '+1666' || lpad(i::text, 7, '0'), 'recurring', 'opt_in', 'import',
              case when i <= $2 then now() - interval '185 days' else now() - interval '10 days' end, 'bench'
         from generate_series(1, $1::int) i`,
      [SWEEP_CONSENTS, SWEEP_DUE],
    );
    await sql.query(
      `insert into consent_lifecycle (channel_group, subject, campaign_id, address, event_id, action, given_at, recorded_at)
       select channel_group, 'a:' || address, campaign_id, address, id, action, occurred_at, recorded_at
         from consent_event where campaign_id = 'recurring'`,
    );
    await sql.query('commit');
    await sql.query('vacuum analyze consent_lifecycle');
    console.log(
      `seeded ${SWEEP_CONSENTS.toLocaleString()} re-confirming consents (${SWEEP_DUE.toLocaleString()} due) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await sql.end();
  }
}

/** Resident memory of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN; // the process is gone: the sweep request fails and says so
  }
}

async function load(url: string, options: { connections: number; bodies: string[] }): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  let n = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${url.includes('/decide') ? 'yardstick' : KEY}` },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: options.bodies[n++ % options.bodies.length] }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/**
 * The batch's floor: one `= ANY($1)` statement over the 10,000 addresses of a batch on the
 * yardstick's table (the newest covering event of each), from `connections` clients at once for
 * SECONDS, with nothing around it. Recipient decisions per second, as the batch rounds count them.
 */
async function rawBatchStatement(url: string, connections: number, addresses: string[][]): Promise<number> {
  const sorted = addresses.map((a) => [...a].sort());
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        for (let i = c; Date.now() < until; i++) {
          const keys = sorted[i % sorted.length];
          await client.query(RAW_BATCH_STATEMENT, [keys]);
          done += keys.length;
        }
      } finally {
        await client.end();
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

/**
 * Twilio STOP webhooks from distinct customers, each with a fresh MessageSid and a signature
 * computed for it (the service checks every one), as fast as the connections allow.
 */
async function loadWebhooks(base: string, connections: number, round: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  let n = 0;
  const result = await autocannon({
    url: base + TWILIO_PATH,
    method: 'POST',
    connections,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const i = n++;
          return { ...req, ...twilioWebhook(base, `SMr${round}n${i}`, realNumber(2 + (round % 7), i), i % 2 ? 'STOP' : 'Stop please') };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/**
 * From the webhook's answer to a decision that denies: one customer at a time, opted in and
 * allowed, then STOP, then "may I send?" at once. Every such decision must deny (no stale
 * state); the time reported is the decision's, measured from the webhook's answer.
 */
async function stopToDeny(base: string): Promise<{ p50: number; p99: number; denied: number; samples: number }> {
  const times: number[] = [];
  let denied = 0;
  for (let i = 0; i < STOP_LATENCY_SAMPLES; i++) {
    // A customer nobody else touches, opted in and allowed before the STOP.
    const from = realNumber(9, i);
    const decide = async () => {
      const res = await fetch(`${base}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ address: from, channel: 'sms', campaignId: 'promo' }),
      });
      return (await res.json()) as { allowed: boolean };
    };
    const optIn = await fetch(`${base}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ address: from, channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'web_form' }),
    });
    if (optIn.status !== 201 || !(await decide()).allowed) throw new Error(`could not set up an allowed customer (${optIn.status})`);
    const webhook = await fetch(base + TWILIO_PATH, { method: 'POST', ...twilioWebhook(base, `SMlatency${i}`, from, 'STOP') });
    if (!webhook.ok) throw new Error(`webhook answered ${webhook.status}`);
    await webhook.text();
    const started = process.hrtime.bigint();
    const body = await decide();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!body.allowed) denied++;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: median(times), p99: sorted[Math.floor(sorted.length * 0.99)], denied, samples: times.length };
}

const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 20);

/**
 * Consent writes (POST /v1/consents, opt-ins and opt-outs of distinct customers) for
 * WRITE_SECONDS while the service seals behind them; the seal lag is sampled every 250 ms
 * from GET /v1/audit/head, then the time for the queue to drain after the load.
 */
async function writesWithSealing(base: string): Promise<{ rps: number; p50: number; p99: number; errors: number; maxLagMs: number; drainMs: number }> {
  let n = 0;
  let maxLagMs = 0;
  const head = async () =>
    (await (await fetch(`${base}/v1/audit/head`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { pending: number; sealLagMs: number };
  const sampler = setInterval(
    () =>
      void head().then(
        (h) => (maxLagMs = Math.max(maxLagMs, h.sealLagMs)),
        () => undefined,
      ),
    250,
  );
  const result = await autocannon({
    url: `${base}/v1/consents`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: WRITE_SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const i = n++;
          return {
            ...req,
            body: JSON.stringify({
              customerId: `w-${i}`,
              address: realNumber(5, i),
              channel: 'sms',
              action: i % 5 ? 'opt_in' : 'opt_out',
              source: 'web_form',
              evidence: { noticeVersion: 'v3', ip: '203.0.113.8', text: 'Oui, je veux recevoir vos offres' },
            }),
          };
        },
      },
    ],
  });
  clearInterval(sampler);
  const started = Date.now();
  for (let h = await head(); h.pending > 0; h = await head()) {
    maxLagMs = Math.max(maxLagMs, h.sealLagMs);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    maxLagMs,
    drainMs: Date.now() - started,
  };
}

const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 60);

/**
 * The mix a brand's senders produce: 90% decisions, 9% consent writes, 1% Twilio STOP
 * webhooks (distinct numbers, signed), for `seconds`, at `rate` requests/s overall (0: as fast
 * as CONNECTIONS allow).
 */
async function mixedLoad(
  base: string,
  seconds: number,
  rate: number,
  bodies: string[],
  tag: string,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  let n = 0;
  const json = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate > 0 ? { overallRate: rate } : {}),
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const i = n++;
          const slot = i % 100;
          if (slot < 90) return { ...req, method: 'POST', path: '/v1/decisions', headers: json, body: bodies[i % bodies.length] };
          if (slot < 99) {
            return {
              ...req,
              method: 'POST',
              path: '/v1/consents',
              headers: json,
              body: JSON.stringify({
                customerId: `m${tag}-${i}`,
                address: realNumber(8, i),
                channel: 'sms',
                action: i % 3 ? 'opt_in' : 'opt_out',
                source: 'web_form',
                evidence: { noticeVersion: 'v3' },
              }),
            };
          }
          return { ...req, method: 'POST', path: TWILIO_PATH, ...twilioWebhook(base, `SMmix${tag}${i}`, realNumber(7, i), 'STOP') };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

/** A Twilio-style opt-out list (number, date) of IMPORT_ROWS new numbers, imported with the CLI's code. */
async function importList(base: string): Promise<{ rows: number; written: number; seconds: number; mb: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'consent-bench-import-')), 'optouts.csv');
  const out = createWriteStream(file);
  out.write('phone_number,date\n');
  for (let i = 0; i < IMPORT_ROWS; i++) {
    if (!out.write(`${realNumber(6, i)},2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00\n`))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const started = Date.now();
  const { status, body } = await runImport(parseArgs([file, '--url', base, '--key', KEY], {}), () => undefined);
  const seconds = (Date.now() - started) / 1000;
  if (status !== 201 || body.status !== 'completed') throw new Error(`the import answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
  return { rows: body.rowsRead as number, written: body.rowsWritten as number, seconds, mb: statSync(file).size / 1e6 };
}

/** Seals what the set-based seed left unsealed (its triggers were off), as the sealer would. */
async function sealSeeded(url: string, base: string, pid: number): Promise<{ events: number; seconds: number; rssBefore: number; rssPeak: number }> {
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 100);
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const { rowCount } = await sql.query(
      `insert into seal_queue (stream, event_id) select 'consent', e.id from consent_event e
        where not exists (select 1 from ledger_leaf l where l.stream = 'consent' and l.event_id = e.id) on conflict do nothing`,
    );
    const started = Date.now();
    for (;;) {
      await fetch(`${base}/v1/admin/jobs/seal/run`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
      const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from seal_queue`);
      if (rows[0].n === 0) break;
    }
    return { events: rowCount ?? 0, seconds: (Date.now() - started) / 1000, rssBefore, rssPeak };
  } finally {
    clearInterval(sampler);
    await sql.end();
  }
}

/**
 * The whole ledger as NDJSON over HTTP: time to the first byte and to the last, the service's
 * peak RSS meanwhile; then the file verified offline (the CLI's code) and its time.
 */
async function exportLedger(
  base: string,
  pid: number,
): Promise<{ rows: number; mb: number; firstByteMs: number; seconds: number; rssBefore: number; rssPeak: number; verified: boolean; verifySeconds: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'consent-bench-export-')), 'ledger.ndjson');
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 50);
  const started = Date.now();
  const res = await fetch(`${base}/v1/audit/export?format=ndjson`, { headers: { authorization: `Bearer ${KEY}` } });
  if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
  let firstByteMs = -1;
  let bytes = 0;
  let lines = 0;
  const out = createWriteStream(file);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (firstByteMs < 0) firstByteMs = Date.now() - started;
    bytes += chunk.byteLength;
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) lines++;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const verifyStarted = Date.now();
  const verdict = await verifyFile(file, undefined);
  return {
    rows: lines - 1,
    mb: bytes / 1048576,
    firstByteMs,
    seconds,
    rssBefore,
    rssPeak,
    verified: verdict.ok && verdict.complete,
    verifySeconds: (Date.now() - verifyStarted) / 1000,
  };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('run `npm run build` first (npm run bench does)');
  if (!existsSync(YARDSTICK)) throw new Error(`yardstick not found at ${YARDSTICK}`);
  let url = process.env.BENCH_DATABASE_URL;
  let embedded: { stop(): Promise<void> } | undefined;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'consent-bench-pg-'));
    const db = await startEmbeddedPostgres({
      dataDir: join(dir, 'data'),
      port: await freePort(),
      database: 'consent_bench',
      persistent: false,
      settings: { shared_buffers: '1GB' },
    });
    url = db.url;
    embedded = db;
  }
  const servicePort = await freePort();
  const yardstickPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const base = `http://127.0.0.1:${servicePort}`;
    // The sweep runs when the bench says, not on the minute.
    const env = {
      DATABASE_URL: url,
      ADMIN_API_KEY: KEY,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      PUBLIC_BASE_URL: base,
      RECONFIRMATION_CRON: '0 0 1 1 *',
      // The limiter runs (its cost is measured) with a limit the load never reaches.
      RATE_LIMIT: '1000000000',
      PSEUDONYM_KEY: randomBytes(32).toString('hex'),
    };
    // Start once to migrate, seed, then the real runs.
    let service = await spawnAndWait(
      'node',
      ['dist/main.js'],
      { ...env, PORT: String(servicePort), HOST: '127.0.0.1' },
      `http://127.0.0.1:${servicePort}/health/ready`,
    );
    children.push(service);
    await seed(url);
    const yardstick = await spawnAndWait(
      'node',
      [YARDSTICK],
      { DATABASE_URL: url, PORT: String(yardstickPort), YARDSTICK_ROWS: String(ROWS) },
      /yardstick ready/,
    );
    children.push(yardstick);
    const floorPort = await freePort();
    const floor = await spawnAndWait(
      process.execPath,
      ['-r', 'ts-node/register', 'bench/batch-floor.ts'],
      { DATABASE_URL: url, PORT: String(floorPort) },
      /batch floor ready/,
    );
    children.push(floor);

    const singleBodies = Array.from({ length: 5000 }, (_, i) => {
      const a = address(1 + ((i * 7919) % ROWS));
      return JSON.stringify({ address: a, channel: 'sms', campaignId: 'promo' });
    });
    const batchAddresses = Array.from({ length: 8 }, (_, b) => Array.from({ length: BATCH }, (_, i) => address(1 + (((b * BATCH + i) * 97) % ROWS))));
    const batchBodies = batchAddresses.map((addresses) =>
      JSON.stringify({ channel: 'sms', campaignId: 'promo', recipients: addresses.map((a) => ({ address: a })) }),
    );

    // Sanity: both answer the same question the same way.
    const probe = await fetch(`http://127.0.0.1:${servicePort}/v1/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ address: address(10), channel: 'sms', campaignId: 'promo' }),
    });
    const probeBody = (await probe.json()) as { reason: string };
    if (probeBody.reason !== 'opted_out') throw new Error(`service answered ${JSON.stringify(probeBody)} for an opted-out address`);

    const hookProbe = await fetch(base + TWILIO_PATH, { method: 'POST', ...twilioWebhook(base, 'SMprobe', realNumber(9, 999_999), 'HELP') });
    if (!hookProbe.ok) throw new Error(`the Twilio webhook answered ${hookProbe.status}: ${await hookProbe.text()}`);

    console.log(`warming up (${CONNECTIONS} connections)...`);
    await load(`http://127.0.0.1:${yardstickPort}/decide`, { connections: CONNECTIONS, bodies: singleBodies });
    await load(`http://127.0.0.1:${servicePort}/v1/decisions`, { connections: CONNECTIONS, bodies: singleBodies });

    const yard: number[] = [],
      single: number[] = [],
      batch: number[] = [],
      raw: number[] = [],
      floorRate: number[] = [],
      webhooks: number[] = [];
    const details: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const y = await load(`http://127.0.0.1:${yardstickPort}/decide`, { connections: CONNECTIONS, bodies: singleBodies });
      const s = await load(`http://127.0.0.1:${servicePort}/v1/decisions`, { connections: CONNECTIONS, bodies: singleBodies });
      const b = await load(`http://127.0.0.1:${servicePort}/v1/decisions/batch`, { connections: BATCH_CONNECTIONS, bodies: batchBodies });
      const r = await rawBatchStatement(url, BATCH_CONNECTIONS, batchAddresses);
      const f = await load(`http://127.0.0.1:${floorPort}/batch`, { connections: BATCH_CONNECTIONS, bodies: batchBodies });
      if (y.errors || s.errors || b.errors || f.errors)
        throw new Error(`errors during round ${round}: yardstick ${y.errors}, single ${s.errors}, batch ${b.errors}, batch floor ${f.errors}`);
      yard.push(y.rps);
      single.push(s.rps);
      batch.push(b.rps * BATCH);
      raw.push(r);
      floorRate.push(f.rps * BATCH);
      details.push(
        `round ${round}: yardstick ${y.rps.toFixed(0)} req/s (p50 ${y.p50} ms, p99 ${y.p99} ms) | single ${s.rps.toFixed(0)} req/s (p50 ${s.p50} ms, p99 ${s.p99} ms) | batch ${(b.rps * BATCH).toFixed(0)} decisions/s (p50 ${b.p50} ms per batch) | raw = any($1) statement ${r.toFixed(0)} decisions/s | batch floor over HTTP ${(f.rps * BATCH).toFixed(0)} decisions/s`,
      );
      console.log(details[details.length - 1]);
    }
    const ratios = single.map((s, i) => s / yard[i]);
    const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;
    const decisionSummary = [
      `| yardstick (bare Fastify + pg) | ${median(yard).toFixed(0)} req/s (${range(yard)}) | |`,
      `| single decisions | ${median(single).toFixed(0)} req/s (${range(single)}) | |`,
      `| single / yardstick (median of per-round ratios) | ${median(ratios).toFixed(2)} (${range(ratios, 2)}) | >= 0.80 |`,
      `| batch of ${BATCH.toLocaleString()} | ${median(batch).toFixed(0)} recipient decisions/s (${range(batch)}) | >= 150000 |`,
      `| raw = any($1) statement over the same 10,000 addresses | ${median(raw).toFixed(0)} decisions/s (${range(raw)}) | |`,
      `| batch / raw statement (median of per-round ratios) | ${median(batch.map((b, i) => b / raw[i])).toFixed(2)} (${range(
        batch.map((b, i) => b / raw[i]),
        2,
      )}) | >= 0.75 |`,
      `| batch floor over HTTP (bench/batch-floor.ts: bare Fastify, the raw statement, a minimal answer) | ${median(floorRate).toFixed(0)} decisions/s (${range(floorRate)}) | |`,
      `| batch floor / raw statement (median of per-round ratios) | ${median(floorRate.map((f, i) => f / raw[i])).toFixed(2)} (${range(
        floorRate.map((f, i) => f / raw[i]),
        2,
      )}) | |`,
      `| batch / batch floor (median of per-round ratios) | ${median(batch.map((b, i) => b / floorRate[i])).toFixed(2)} (${range(
        batch.map((b, i) => b / floorRate[i]),
        2,
      )}) | |`,
    ];
    if (process.env.BENCH_ONLY === 'decisions') {
      console.log(['\n| measure | median (range) | target |', '|---|---|---|', ...decisionSummary].join('\n'));
      console.log(
        `\n${ROWS.toLocaleString()} consent events, ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections (batch: ${BATCH_CONNECTIONS}), node ${process.version}`,
      );
      return;
    }
    // Writes after all the read rounds: their WAL and checkpoints do not land in a decision round.
    for (let round = 1; round <= ROUNDS; round++) {
      const w = await loadWebhooks(base, CONNECTIONS, round);
      if (w.errors) throw new Error(`errors during webhook round ${round}: ${w.errors}`);
      webhooks.push(w.rps);
      console.log(`webhook round ${round}: ${w.rps.toFixed(0)} STOP webhooks/s (p50 ${w.p50} ms, p99 ${w.p99} ms)`);
    }
    // The mixed load: its peak first (as fast as the connections go), then 70% of it for a minute.
    const peak = await mixedLoad(base, 10, 0, singleBodies, 'peak');
    console.log(`mixed load, peak: ${peak.rps.toFixed(0)} req/s (p50 ${peak.p50} ms, p99 ${peak.p99} ms, errors ${peak.errors})`);
    const mixed = await mixedLoad(base, MIXED_SECONDS, Math.round(peak.rps * 0.7), singleBodies, 'run');
    console.log(
      `mixed load at 70% of peak for ${MIXED_SECONDS} s: ${mixed.rps.toFixed(0)} req/s (p50 ${mixed.p50} ms, p99 ${mixed.p99} ms, errors ${mixed.errors})`,
    );
    const latency = await stopToDeny(base);
    if (latency.denied !== latency.samples) throw new Error(`${latency.samples - latency.denied} of ${latency.samples} decisions after a STOP did not deny`);
    // The audit ledger: writes with sealing keeping up, then the seeded million sealed and exported.
    const writes = await writesWithSealing(base);
    if (writes.errors) throw new Error(`errors during consent writes: ${writes.errors}`);
    console.log(
      `consent writes: ${writes.rps.toFixed(0)}/s (p50 ${writes.p50} ms, p99 ${writes.p99} ms), seal lag max ${writes.maxLagMs} ms, drained ${writes.drainMs} ms after the load`,
    );
    const sealed = await sealSeeded(url, base, service.pid!);
    console.log(
      `sealed the seeded ${sealed.events.toLocaleString()} events in ${sealed.seconds.toFixed(1)} s, RSS ${sealed.rssBefore.toFixed(0)} -> ${sealed.rssPeak.toFixed(0)} MB`,
    );
    // The export on a fresh process (an export replica): its memory is the export's, not what
    // the load before it left for the garbage collector.
    await stop(service);
    service = await spawnAndWait(
      'node',
      ['dist/main.js'],
      { ...env, PORT: String(servicePort), HOST: '127.0.0.1' },
      `http://127.0.0.1:${servicePort}/health/ready`,
    );
    children.push(service);
    const exported = await exportLedger(base, service.pid!);
    if (!exported.verified) throw new Error('the export did not verify offline');
    const verifyStarted = Date.now();
    const verified = (await (await fetch(`${base}/v1/audit/verify`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
      ok: boolean;
      events: number;
      blocks: number;
    };
    const verifySeconds = (Date.now() - verifyStarted) / 1000;
    if (!verified.ok) throw new Error(`the ledger did not verify: ${JSON.stringify(verified)}`);
    console.log(`GET /v1/audit/verify: ${verified.events.toLocaleString()} entries, ${verified.blocks} blocks in ${verifySeconds.toFixed(1)} s`);
    console.log(
      `exported ${exported.rows.toLocaleString()} entries (${exported.mb.toFixed(0)} MB) in ${exported.seconds.toFixed(1)} s, first byte ${exported.firstByteMs} ms, RSS ${exported.rssBefore.toFixed(0)} -> ${exported.rssPeak.toFixed(0)} MB; verified offline in ${exported.verifySeconds.toFixed(1)} s`,
    );
    // Last, because it adds a million consents: the lifecycle sweep.
    await seedSweep(url);
    const rssBefore = rssMb(service.pid!);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(service.pid!))), 100);
    const sweepStarted = Date.now();
    const sweepRes = await fetch(`${base}/v1/admin/jobs/reconfirmation/run`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    const sweepSeconds = (Date.now() - sweepStarted) / 1000;
    clearInterval(sampler);
    const sweepBody = (await sweepRes.json()) as { result: { requested: number; batches: number } };
    if (!Number.isFinite(rssPeak)) throw new Error('the service exited during the sweep');
    if (sweepBody.result?.requested !== SWEEP_DUE) throw new Error(`the sweep requested ${JSON.stringify(sweepBody)}, expected ${SWEEP_DUE}`);

    const imported = await importList(base);
    console.log(`imported ${imported.rows.toLocaleString()} rows (${imported.mb.toFixed(0)} MB) in ${imported.seconds.toFixed(1)} s`);

    console.log('\n| measure | median (range) | target |');
    console.log('|---|---|---|');
    for (const line of decisionSummary) console.log(line);
    console.log(`| Twilio STOP webhooks, signature checked, ${CONNECTIONS} connections | ${median(webhooks).toFixed(0)} webhooks/s | >= 1000 |`);
    console.log(
      `| lifecycle sweep: ${SWEEP_CONSENTS.toLocaleString()} consents, ${SWEEP_DUE.toLocaleString()} due, requested in ${sweepBody.result.batches} batches | ${sweepSeconds.toFixed(1)} s, service RSS ${rssBefore.toFixed(0)} -> peak ${rssPeak.toFixed(0)} MB | < 60 s, memory flat |`,
    );
    console.log(
      `| consent writes, ${CONNECTIONS} connections, ${WRITE_SECONDS} s, sealed behind them | ${writes.rps.toFixed(0)} writes/s (p99 ${writes.p99} ms), seal lag max ${(writes.maxLagMs / 1000).toFixed(1)} s | >= 2000/s, lag < 5 s |`,
    );
    console.log(
      `| sealing the seeded events (one sealer) | ${(sealed.events / sealed.seconds).toFixed(0)} events/s, service RSS ${sealed.rssBefore.toFixed(0)} -> peak ${sealed.rssPeak.toFixed(0)} MB | |`,
    );
    console.log(
      `| export of the whole ledger, NDJSON over HTTP (${exported.rows.toLocaleString()} entries, ${exported.mb.toFixed(0)} MB) | ${exported.seconds.toFixed(1)} s, first byte ${exported.firstByteMs} ms, service RSS ${exported.rssBefore.toFixed(0)} -> peak ${exported.rssPeak.toFixed(0)} MB | < 15 s, < 256 MB |`,
    );
    console.log(`| offline verification of that file | ${exported.verifySeconds.toFixed(1)} s, complete | |`);
    console.log(
      `| GET /v1/audit/verify over the whole ledger (${verified.events.toLocaleString()} entries, ${verified.blocks} blocks) | ${verifySeconds.toFixed(1)} s, ok | |`,
    );
    console.log(
      `| mixed load (90% decisions, 9% consent writes, 1% STOP webhooks), ${CONNECTIONS} connections: peak | ${peak.rps.toFixed(0)} req/s (p99 ${peak.p99} ms) | |`,
    );
    console.log(
      `| the same at 70% of peak for ${MIXED_SECONDS} s | ${mixed.rps.toFixed(0)} req/s, p50 ${mixed.p50} ms, p99 ${mixed.p99} ms, ${mixed.errors} errors | 0 errors, p99 < 50 ms |`,
    );
    console.log(
      `| bulk import: Twilio-style opt-out list, ${imported.rows.toLocaleString()} rows (${imported.mb.toFixed(0)} MB), CLI over HTTP | ${imported.seconds.toFixed(1)} s (${Math.round(imported.rows / imported.seconds).toLocaleString()} rows/s), ${imported.written.toLocaleString()} written | < 120 s |`,
    );
    console.log(
      `| webhook answered -> denying decision (${latency.samples} samples, all denied) | p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms | deny at once |`,
    );
    console.log(
      `\n${ROWS.toLocaleString()} consent events, ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections (batch: ${BATCH_CONNECTIONS}), node ${process.version}`,
    );
  } finally {
    for (const c of children.reverse()) await stop(c);
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
