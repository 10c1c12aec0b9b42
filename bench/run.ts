/**
 * `npm run bench`: decisions per second, single and batch, against a database holding
 * BENCH_ROWS consent events (default 1,000,000), next to the yardstick in ../shared/bench
 * run in the same invocation on the same database with the same load generator.
 *
 * Rounds alternate yardstick and service so that machine noise hits both; medians are
 * reported, and the ratio service/yardstick is the number to compare across runs.
 *   BENCH_DATABASE_URL  use this server instead of a temporary embedded one
 *   BENCH_ROWS, BENCH_ROUNDS (3), BENCH_SECONDS (8), BENCH_CONNECTIONS (16),
 *   BENCH_BATCH_CONNECTIONS (4: batches from several sending services at once; each is ~200 ms
 *   of work split between Node and PostgreSQL, so one at a time leaves a core idle)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { freePort } from '../test/support/free-port';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

const ROOT = resolve(__dirname, '..');
const YARDSTICK = resolve(ROOT, '..', 'shared', 'bench', 'yardstick.mjs');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BATCH = 10_000;
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const KEY = 'bench-admin-key-0123456789abcdef';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


function address(i: number): string {
  return `+1555${String(i).padStart(7, '0')}`;
}

function spawnAndWait(cmd: string, args: string[], env: Record<string, string>, ready: RegExp | string): Promise<ChildProcess> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const succeed = () => {
      if (!done) (done = true), res(child);
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready instanceof RegExp && ready.test(out)) succeed();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      if (!done) (done = true), rej(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${out.slice(-2000)}`));
    });
    if (typeof ready === 'string') {
      const poll = async () => {
        while (!done) {
          const ok = await fetch(ready).then((r) => r.ok, () => false);
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
    const { rows } = await sql.query(`select count(*)::int as n from consent_event`);
    if (rows[0].n >= ROWS) return;
    console.log(`seeding ${ROWS.toLocaleString()} consent events...`);
    const started = Date.now();
    await sql.query(`insert into campaign (id, name, purpose, channels) values ('promo', 'Promo', 'marketing', '{sms}') on conflict do nothing`);
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
    await sql.query('vacuum analyze');
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await sql.end();
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
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: options.bodies[n++ % options.bodies.length] }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('run `npm run build` first (npm run bench does)');
  if (!existsSync(YARDSTICK)) throw new Error(`yardstick not found at ${YARDSTICK}`);
  let url = process.env.BENCH_DATABASE_URL;
  let embedded: { stop(): Promise<void> } | undefined;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'consent-bench-pg-'));
    const db = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), database: 'consent_bench', persistent: false, settings: { shared_buffers: '1GB' } });
    url = db.url;
    embedded = db;
  }
  const servicePort = await freePort();
  const yardstickPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const env = { DATABASE_URL: url, ADMIN_API_KEY: KEY, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    // Start once to migrate, seed, then the real runs.
    const service = await spawnAndWait('node', ['dist/main.js'], { ...env, PORT: String(servicePort), HOST: '127.0.0.1' }, `http://127.0.0.1:${servicePort}/health/ready`);
    children.push(service);
    await seed(url);
    const yardstick = await spawnAndWait('node', [YARDSTICK], { DATABASE_URL: url, PORT: String(yardstickPort), YARDSTICK_ROWS: String(ROWS) }, /yardstick ready/);
    children.push(yardstick);

    const singleBodies = Array.from({ length: 5000 }, (_, i) => {
      const a = address(1 + ((i * 7919) % ROWS));
      return JSON.stringify({ address: a, channel: 'sms', campaignId: 'promo' });
    });
    const batchBodies = Array.from({ length: 8 }, (_, b) =>
      JSON.stringify({ channel: 'sms', campaignId: 'promo', recipients: Array.from({ length: BATCH }, (_, i) => ({ address: address(1 + ((b * BATCH + i) * 97) % ROWS) })) }),
    );

    // Sanity: both answer the same question the same way.
    const probe = await fetch(`http://127.0.0.1:${servicePort}/v1/decisions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ address: address(10), channel: 'sms', campaignId: 'promo' }) });
    const probeBody = (await probe.json()) as { reason: string };
    if (probeBody.reason !== 'opted_out') throw new Error(`service answered ${JSON.stringify(probeBody)} for an opted-out address`);

    console.log(`warming up (${CONNECTIONS} connections)...`);
    await load(`http://127.0.0.1:${yardstickPort}/decide`, { connections: CONNECTIONS, bodies: singleBodies });
    await load(`http://127.0.0.1:${servicePort}/v1/decisions`, { connections: CONNECTIONS, bodies: singleBodies });

    const yard: number[] = [], single: number[] = [], batch: number[] = [];
    const details: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const y = await load(`http://127.0.0.1:${yardstickPort}/decide`, { connections: CONNECTIONS, bodies: singleBodies });
      const s = await load(`http://127.0.0.1:${servicePort}/v1/decisions`, { connections: CONNECTIONS, bodies: singleBodies });
      const b = await load(`http://127.0.0.1:${servicePort}/v1/decisions/batch`, { connections: BATCH_CONNECTIONS, bodies: batchBodies });
      if (y.errors || s.errors || b.errors) throw new Error(`errors during round ${round}: yardstick ${y.errors}, single ${s.errors}, batch ${b.errors}`);
      yard.push(y.rps);
      single.push(s.rps);
      batch.push(b.rps * BATCH);
      details.push(
        `round ${round}: yardstick ${y.rps.toFixed(0)} req/s (p50 ${y.p50} ms, p99 ${y.p99} ms) | single ${s.rps.toFixed(0)} req/s (p50 ${s.p50} ms, p99 ${s.p99} ms) | batch ${(b.rps * BATCH).toFixed(0)} decisions/s (p50 ${b.p50} ms per batch)`,
      );
      console.log(details[details.length - 1]);
    }
    const ratios = single.map((s, i) => s / yard[i]);
    console.log('\n| measure | median | target |');
    console.log('|---|---|---|');
    console.log(`| yardstick (bare Fastify + pg) | ${median(yard).toFixed(0)} req/s | |`);
    console.log(`| single decisions | ${median(single).toFixed(0)} req/s | |`);
    console.log(`| single / yardstick (median of per-round ratios) | ${median(ratios).toFixed(2)} | >= 0.70 |`);
    console.log(`| batch of ${BATCH.toLocaleString()} | ${median(batch).toFixed(0)} recipient decisions/s | >= 100000 |`);
    console.log(`\n${ROWS.toLocaleString()} consent events, ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections (batch: ${BATCH_CONNECTIONS}), node ${process.version}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
