/**
 * Starts one real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server),
 * applies the real migrations to a template database, and lets each test file clone it.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrationsLocked } from '../../src/database/migrator';
import { adminQuery, assertTestDatabaseUrl, TEMPLATE_DB, withDatabase } from './test-database';
import { freePort } from './free-port';
import { ENTITIES } from '../../src/entities';
import { missingBrowser } from './browser';

export default async function globalSetup(): Promise<void> {
  if (process.env.BROWSER_SUITE_MISSING) console.warn(`\n${missingBrowser()}\n`);
  // The staff console's browser tests drive the app as `npm run build` makes it (about a second).
  else {
    const root = join(__dirname, '..', '..');
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.mts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  let serverUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    serverUrl = assertTestDatabaseUrl(process.env.TEST_DATABASE_URL).toString();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'consent-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), database: 'consent_test', persistent: false });
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = embedded;
    serverUrl = embedded.url;
  }
  await adminQuery(serverUrl, `drop database if exists ${TEMPLATE_DB} with (force)`);
  await adminQuery(serverUrl, `create database ${TEMPLATE_DB}`);
  const dataSource = new DataSource(
    dataSourceOptions(withDatabase(serverUrl, TEMPLATE_DB), ENTITIES, { poolMax: 2, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000 }),
  );
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();
  process.env.CONSENT_TEST_SERVER_URL = serverUrl;
}
