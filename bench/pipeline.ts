/**
 * `npx ts-node bench/pipeline.ts` (DATABASE_URL: a database the bench seeded, with the
 * yardstick's schema too): the Node side of one decision, measured in-process with inject (no
 * sockets, no load generator), as CPU time of this process per request. Next to it the same for
 * the yardstick's handler (bare Fastify and one pg read, built here as ../shared/bench builds
 * it), and a batch of 10,000 per recipient. PostgreSQL's own CPU is not in these numbers: they
 * are what the service's code costs, for A/B comparisons of changes to it. Decisions here go one
 * at a time, so each is read alone; under load, decisions arriving together are read together
 * (bench/README.md), which only `npm run bench` shows.
 * PIPELINE_PROFILE=file.cpuprofile: also a CPU profile of single decisions after warm-up (of
 * batches when the file name says `batch`).
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Pool } from 'pg';
import { createApp } from '../src/app.setup';
import { loadConfig } from '../src/config/app-config';

const KEY = 'bench-admin-key-0123456789abcdef';
const ROUNDS = Number(process.env.PIPELINE_ROUNDS ?? 5);
const N = Number(process.env.PIPELINE_REQUESTS ?? 3000);
const address = (i: number) => `+1555${String(1 + ((i * 7919) % 1_000_000)).padStart(7, '0')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Inject = (i: number) => Promise<{ statusCode: number }>;

async function cpuPer(n: number, inject: Inject): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const res = await inject(i);
    if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

void (async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to a database `npm run bench` seeded (BENCH_DATABASE_URL)');
  const app = await createApp(
    loadConfig({
      ...process.env,
      LOG_LEVEL: 'error',
      ADMIN_API_KEY: KEY,
      NODE_ENV: 'production',
      RATE_LIMIT: '1000000000',
      PSEUDONYM_KEY: 'pipeline-pseudonym-key-0123456789abcdef',
    }),
    {
      schedule: false,
      logger: false,
    },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  // The yardstick's handler, as ../shared/bench/yardstick.mjs has it.
  const pool = new Pool({ connectionString: url, max: 10 });
  const yard = Fastify({ logger: false });
  yard.post('/decide', async (req, reply) => {
    if (req.headers.authorization !== 'Bearer yardstick') return reply.code(401).send({ title: 'unauthorized' });
    const { address: a, channel, campaignId } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof a !== 'string' || typeof channel !== 'string' || typeof campaignId !== 'string') return reply.code(400).send({ title: 'bad request' });
    const { rows } = await pool.query<{ id: string; action: string }>(
      `select id, action from yardstick.consent_event
        where address = $1 and channel = $2 and (campaign_id is null or campaign_id = $3)
        order by occurred_at desc, id desc limit 1`,
      [a, channel, campaignId],
    );
    const ev = rows[0];
    return { allowed: ev?.action === 'opt_in', reason: ev ? (ev.action === 'opt_in' ? 'opted_in' : 'opted_out') : 'no_consent', basis: ev?.id ?? null };
  });
  await yard.ready();

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const single: Inject = (i) =>
    app.inject({ method: 'POST', url: '/v1/decisions', headers, payload: JSON.stringify({ address: address(i), channel: 'sms', campaignId: 'promo' }) });
  const yardstick: Inject = (i) =>
    yard.inject({
      method: 'POST',
      url: '/decide',
      headers: { ...headers, authorization: 'Bearer yardstick' },
      payload: JSON.stringify({ address: address(i), channel: 'sms', campaignId: 'promo' }),
    });
  const batches = Array.from({ length: 4 }, (_, b) =>
    JSON.stringify({ channel: 'sms', campaignId: 'promo', recipients: Array.from({ length: 10_000 }, (_, i) => ({ address: address(b * 10_000 + i) })) }),
  );
  const batch: Inject = (i) => app.inject({ method: 'POST', url: '/v1/decisions/batch', headers, payload: batches[i % batches.length] });

  await cpuPer(500, single);
  await cpuPer(500, yardstick);
  await cpuPer(4, batch);
  if (process.env.PIPELINE_PROFILE) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    if (process.env.PIPELINE_PROFILE.includes('batch')) await cpuPer(16, batch);
    else await cpuPer(N, single);
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.PIPELINE_PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
  const s: number[] = [];
  const y: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    y.push(await cpuPer(N, yardstick));
    s.push(await cpuPer(N, single));
    b.push((await cpuPer(8, batch)) / 10_000);
    console.log(
      `round ${r + 1}: yardstick ${y[r].toFixed(0)} µs, decision ${s[r].toFixed(0)} µs, batch ${b[r].toFixed(2)} µs per recipient (CPU of this process)`,
    );
  }
  console.log(
    `medians: yardstick ${median(y).toFixed(0)} µs, decision ${median(s).toFixed(0)} µs (${(median(s) / median(y)).toFixed(2)}x), batch ${median(b).toFixed(2)} µs per recipient`,
  );
  await app.close();
  await yard.close();
  await pool.end();
})();
