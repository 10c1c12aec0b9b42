/**
 * Prints the SQL TypeORM would run to make the database match the entities. After all
 * migrations ran it must print nothing: otherwise entities and migrations disagree.
 *   DATABASE_URL=... npm run schema:diff      (exit 1 when they disagree)
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { resolveDatabase } from '../database/resolve-database';
import { dataSourceOptions } from '../database/data-source-options';
import { runMigrationsLocked } from '../database/migrator';
import { ENTITIES } from '../entities';

export async function pendingSchemaChanges(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, ENTITIES, { poolMax: 2, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000 }));
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  (async () => {
    const { config, embedded } = await resolveDatabase(loadConfig());
    try {
      const pending = await pendingSchemaChanges(config.databaseUrl!);
      for (const q of pending) console.log(`${q};`);
      if (pending.length) {
        console.error(`entities and migrations disagree: ${pending.length} statement(s) above`);
        process.exitCode = 1;
      } else {
        console.log('entities and migrations agree');
      }
    } finally {
      await embedded?.stop();
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
