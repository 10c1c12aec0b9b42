import { DataSource, Migration } from 'typeorm';

/** Any fixed number: the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK_KEY = 720_410_531;

/**
 * Applies pending migrations while holding a session advisory lock, so that replicas
 * starting together run them once: the others wait, then find nothing left to do.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
