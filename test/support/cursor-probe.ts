/**
 * Run by test/database-layer.e2e-spec.ts in a process of its own, where an unhandled promise
 * rejection does what it does in production: ends the process. A prefetching cursor is paused
 * by its reader while its connection is terminated; the probe says what the reader then got.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Db } from '../../src/database/db';

async function main(url: string): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url, extra: { application_name: 'consent-probe', max: 2 } });
  await dataSource.initialize();
  const db = new Db(dataSource);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const snapshot = await db.snapshot();
  // Each batch of 100 takes ~200 ms: the prefetch of the second is in flight when the connection dies.
  const rows = snapshot.cursor<{ g: number }>('select g, pg_sleep(0.002) from generate_series(1, 1000) g', [], 100, true);
  await rows.next();
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'consent-probe' and datname = current_database()`);
  await new Promise((r) => setTimeout(r, 500));
  const outcome = await rows.next().then(
    () => 'the reader got rows',
    (error: Error) => `the reader got the failure: ${error.message}`,
  );
  await snapshot.close();
  const [{ one }] = await db.query<{ one: number }>('select 1 as one');
  process.stdout.write(`${outcome}; next query answered ${one}\n`);
  await admin.end();
  await dataSource.destroy();
}

void main(process.argv[2]);
