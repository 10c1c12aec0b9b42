import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

/**
 * Migrations live in `migrations/` at the project root as TypeScript; the build compiles
 * them to `dist/migrations/`. Pick whichever matches how this code is running.
 */
export function migrationsGlob(): string {
  const compiled = join(__dirname, '..', 'migrations');
  if (__filename.endsWith('.js') && existsSync(compiled)) return join(compiled, '*.js');
  return join(__dirname, '..', '..', 'migrations', '*.ts');
}

export interface PoolSettings {
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** The tables the service owns (src/entities.ts, given by the composition root: features sit above the database layer). */
export type EntityList = NonNullable<DataSourceOptions['entities']>;

export function dataSourceOptions(url: string, entities: EntityList, pool: PoolSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: [migrationsGlob()],
    migrationsTableName: 'schema_migration',
    synchronize: false,
    migrationsRun: false,
    // Off: TypeORM would log failed queries with their parameters (addresses). Errors reach the filter.
    logging: false,
    // A query still running past this is cancelled by the server (and the pool gets the connection back).
    extra: {
      max: pool.poolMax,
      connectionTimeoutMillis: pool.connectTimeoutMs,
      statement_timeout: pool.statementTimeoutMs,
      idle_in_transaction_session_timeout: Math.max(pool.statementTimeoutMs * 2, 10_000),
      query_timeout: pool.statementTimeoutMs + 1000,
      application_name: 'consent-service',
      // Interval arithmetic (re-confirmation, TTL) in UTC, as src/common/duration.ts does it; and
      // timestamps as text in the one form src/database/timestamp-text.ts reads.
      options: '-c TimeZone=UTC -c DateStyle=ISO',
      keepAlive: true,
    },
  };
}
