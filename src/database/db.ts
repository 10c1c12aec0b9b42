import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The one way repositories reach PostgreSQL: node-postgres under TypeORM's pool, with plain
 * result rows (TypeORM's own `query` changes its result shape for UPDATE and DELETE).
 * `transaction` opens a transaction, or joins the one already open in this async context
 * (the idempotency interceptor opens one around a whole request so that the stored response
 * commits with the write it describes).
 */
@Injectable()
export class Db {
  private readonly ambient = new AsyncLocalStorage<PoolClient>();

  constructor(readonly dataSource: DataSource) {}

  private get pool(): Pool {
    const driver = this.dataSource.driver as PostgresDriver;
    if (!this.dataSource.isInitialized || !driver.master) throw new Error('DataSource is not initialized');
    return driver.master as Pool;
  }

  /** `name` makes it a prepared statement, planned once per connection: for hot queries. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T[]> {
    const client = this.ambient.getStore() ?? this.pool;
    const result = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
    return result.rows as T[];
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.ambient.getStore()) return work();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await this.ambient.run(client, work);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: do not give it back to the pool
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }
}
