/** `npm run migration:run`: apply pending migrations (under the same advisory lock as at start). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { resolveDatabase } from '../database/resolve-database';
import { dataSourceOptions } from '../database/data-source-options';
import { runMigrationsLocked } from '../database/migrator';
import { ENTITIES } from '../entities';

(async () => {
  const { config, embedded } = await resolveDatabase(loadConfig());
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl!, ENTITIES, { poolMax: 2, statementTimeoutMs: 3_600_000, connectTimeoutMs: 10_000 }));
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
})().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
