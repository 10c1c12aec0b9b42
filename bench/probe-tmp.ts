import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '/work/main/src/database/embedded-postgres';
import { freePort } from '/work/main/test/support/free-port';
// eslint-disable-next-line
const autocannon = require('autocannon');
const KEY = 'bench-admin-key-0123456789abcdef';
(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const db = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), database: 'probe', persistent: false, settings: { shared_buffers: '512MB' } });
  const port = await freePort();
  const child = spawn('node', ['dist/main.js'], { cwd: '/work/main', env: { ...process.env, DATABASE_URL: db.url, ADMIN_API_KEY: KEY, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' }, stdio: 'inherit' });
  for (;;) { try { if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 200)); }
  const sql = new Client({ connectionString: db.url }); await sql.connect();
  let n = 0;
  const run = async (label: string) => {
    const r = await autocannon({ url: `http://127.0.0.1:${port}/v1/consents`, method: 'POST', connections: 16, duration: 5, headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      requests: [{ setupRequest: (req: any) => { const i = n++; return { ...req, body: JSON.stringify({ customerId: `w-${i}`, address: `+1212${String(2000000 + i)}`, channel: 'sms', action: i % 5 ? 'opt_in' : 'opt_out', source: 'web_form', evidence: { ip: '203.0.113.8' } }) }; } }] });
    console.log(label, Math.round(r.requests.average), 'req/s p50', r.latency.p50, 'non2xx', r.non2xx);
  };
  await run('warm');
  const { execSync } = require('node:child_process');
  const cpu = () => {
    const ticks = (pid: string) => { try { const f = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
    const pg = execSync('pgrep -f "postgres"').toString().trim().split('\n');
    return { node: ticks(String(child.pid)), pg: pg.reduce((a: number, p: string) => a + ticks(p), 0) };
  };
  await run('again');
  const c0 = cpu();
  await run('measured');
  const c1 = cpu();
  console.log('cpu ticks over 5 s: node', c1.node - c0.node, 'postgres', c1.pg - c0.pg);
  child.kill('SIGTERM'); await sql.end(); await new Promise((r) => setTimeout(r, 1000)); await db.stop(); process.exit(0);
})();
