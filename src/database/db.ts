import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

/**
 * The one way repositories reach PostgreSQL. `transaction` opens a transaction, or joins
 * the one already open in this async context (the idempotency interceptor opens one around
 * a whole request so that the stored response commits with the write it describes).
 */
@Injectable()
export class Db {
  private readonly ambient = new AsyncLocalStorage<QueryRunner>();

  constructor(readonly dataSource: DataSource) {}

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.ambient.getStore();
    return (runner ? runner.query(sql, params) : this.dataSource.query(sql, params)) as Promise<T[]>;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.ambient.getStore()) return work();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      const result = await this.ambient.run(runner, work);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<void> {
    await this.dataSource.query('select 1');
  }
}
