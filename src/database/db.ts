import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A pooled client while the service holds it. node-postgres emits 'error' on a client whose
 * connection dies, whether or not a query is running, and the pool listens only while the
 * client is idle in it: a held client without a listener would take the process down with an
 * unhandled 'error' event. So every client taken from the pool gets one until it goes back,
 * and a client that saw an error (or failed to roll back) is discarded, never reused.
 */
class HeldClient {
  private lost?: Error;
  private released = false;
  private readonly onError = (error: Error) => {
    this.lost ??= error;
  };

  constructor(readonly client: PoolClient) {
    client.on('error', this.onError);
  }

  static async take(pool: Pool): Promise<HeldClient> {
    return new HeldClient(await pool.connect());
  }

  query(config: { text: string; values?: unknown[]; name?: string }) {
    return this.client.query(config);
  }

  /** Back to the pool, or destroyed when `broken` or when the connection failed meanwhile. */
  release(broken?: Error): void {
    if (this.released) return;
    this.released = true;
    const error = broken ?? this.lost;
    // The pool's own listener is attached again by release(); ours must not outlive it.
    this.client.release(error);
    this.client.removeListener('error', this.onError);
  }
}

/**
 * The one way repositories reach PostgreSQL: node-postgres under TypeORM's pool, with plain
 * result rows (TypeORM's own `query` changes its result shape for UPDATE and DELETE).
 * `transaction` opens a transaction, or joins the one already open in this async context
 * (the idempotency interceptor opens one around a whole request so that the stored response
 * commits with the write it describes).
 */
@Injectable()
export class Db {
  private readonly ambient = new AsyncLocalStorage<HeldClient>();

  constructor(readonly dataSource: DataSource) {}

  private get pool(): Pool {
    const driver = this.dataSource.driver as PostgresDriver;
    if (!this.dataSource.isInitialized || !driver.master) throw new Error('DataSource is not initialized');
    return driver.master as Pool;
  }

  /** Whether this async context is inside `transaction` (its queries go to that transaction's connection). */
  get inTransaction(): boolean {
    return this.ambient.getStore() !== undefined;
  }

  /** `name` makes it a prepared statement, planned once per connection: for hot queries. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T[]> {
    const client = this.ambient.getStore() ?? this.pool;
    const result = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
    return result.rows as T[];
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.ambient.getStore()) return work();
    const held = await HeldClient.take(this.pool);
    let broken: Error | undefined;
    try {
      await held.query({ text: 'begin' });
      const result = await this.ambient.run(held, work);
      await held.query({ text: 'commit' });
      return result;
    } catch (error) {
      await held.query({ text: 'rollback' }).catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: do not give it back to the pool
      });
      throw error;
    } finally {
      held.release(broken);
    }
  }

  /**
   * A read-only REPEATABLE READ transaction on its own connection: every query and cursor sees
   * the same snapshot, however long the caller streams. `close()` must be called (finally).
   */
  async snapshot(): Promise<ReadSnapshot> {
    const held = await HeldClient.take(this.pool);
    try {
      await held.query({ text: 'begin isolation level repeatable read read only' });
      // A client reading an export slowly keeps the transaction idle between fetches.
      await held.query({ text: `set local idle_in_transaction_session_timeout = '5min'; set local statement_timeout = '2min'` });
    } catch (error) {
      held.release(error as Error);
      throw error;
    }
    return new ReadSnapshot(held);
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }
}

let cursors = 0;

export class ReadSnapshot {
  private closed = false;

  constructor(private readonly client: HeldClient) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query({ text: sql, values: params })).rows as T[];
  }

  /**
   * The rows of `sql` in batches of `batch`, fetched as the caller asks for them. `prefetch`:
   * the next batch is asked for before this one is handed over, so PostgreSQL computes it while
   * the caller works (the caller must then not query this snapshot until the cursor is done).
   */
  async *cursor<T = Record<string, unknown>>(sql: string, params: unknown[], batch: number, prefetch = false): AsyncGenerator<T[]> {
    const name = `c${++cursors}`;
    await this.client.query({ text: `declare ${name} no scroll cursor for ${sql}`, values: params });
    const fetch = () => this.client.query({ text: `fetch ${batch} from ${name}` }).then((r) => r.rows as T[]);
    let next: Promise<T[]> | null = null;
    try {
      for (let rows = await fetch(); ; rows = await (next ?? fetch())) {
        next = prefetch && rows.length === batch ? fetch() : null;
        // While the reader holds this batch (a paused export), the prefetch may fail (a lost
        // connection): with no handler yet, that rejection would end the process. Marked handled
        // here; awaiting `next` below still throws it to the reader.
        next?.catch(() => undefined);
        if (rows.length) yield rows;
        if (rows.length < batch) return;
      }
    } finally {
      await next?.catch(() => undefined);
      if (!this.closed) await this.client.query({ text: `close ${name}` }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let broken: Error | undefined;
    await this.client.query({ text: 'rollback' }).catch((error: Error) => (broken = error));
    this.client.release(broken);
  }
}
