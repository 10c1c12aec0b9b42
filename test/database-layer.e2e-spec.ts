import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Db } from '../src/database/db';
import { textArray } from '../src/database/text-array';
import { isoMicros } from '../src/database/timestamp-text';
import { TestApp } from './support/test-app';

/** The database layer under connection loss, below any feature. */
describe('database layer', () => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    t = await TestApp.start();
    db = t.app.get(Db);
  });
  afterAll(async () => {
    await t.close();
  });

  const terminateServiceConnections = () =>
    t.sql.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'consent-service' and datname = current_database() and pid <> pg_backend_pid()`,
    );

  it('a prefetching cursor paused by its reader survives its connection dying: the failure reaches the reader, not the process', () => {
    // In a process of its own: jest keeps unhandled rejections from ending the test process.
    const probe = spawnSync(process.execPath, ['-r', 'ts-node/register', 'test/support/cursor-probe.ts', t.config.databaseUrl!], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: probe.status, stdout: probe.stdout, stderr: probe.stderr.replace(/.*Warning.*\n?/g, '') }).toEqual({
      status: 0,
      stdout: 'the reader got the failure: terminating connection due to administrator command; next query answered 1\n',
      stderr: expect.not.stringMatching(/terminating connection/),
    });
  });

  it('a transaction whose connection dies between statements fails, and its connection is not reused', async () => {
    await expect(
      db.transaction(async () => {
        await db.query('select 1');
        await terminateServiceConnections();
        await new Promise((r) => setTimeout(r, 100));
        await db.query('select 2');
      }),
    ).rejects.toThrow();
    expect(await db.query<{ two: number }>('select 2 as two')).toEqual([{ two: 2 }]);
  });

  it('a text array literal reaches PostgreSQL as the values it was made of', async () => {
    const values = ['+14155550100', 'a,b', '{x}', ' padded ', 'NULL', '', 'say "hi"', 'back\\slash', 'é ☎', null];
    const [row] = await db.query<{ v: (string | null)[] }>('select $1::text[] as v', [textArray(values)]);
    expect(row.v).toEqual(values);
  });

  it("timestamps read as text on the service's connections are the instants to_char writes", async () => {
    const rows = await db.query<{ text: string; iso: string }>(
      `select t::text as text, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as iso
         from unnest(array[now(), '2026-03-01T12:00:00Z', '2026-03-01T12:00:00.5Z', '2026-03-01T12:00:00.000120Z', '1999-12-31T23:59:59.999999Z']::timestamptz[]) t`,
    );
    expect(rows.map((r) => isoMicros(r.text))).toEqual(rows.map((r) => r.iso));
  });
});
