import { Injectable } from '@nestjs/common';
import { Db, ReadSnapshot } from './db';

export type { ReadSnapshot };

/**
 * What services may ask of the database: a unit of work (every repository call inside it joins
 * one transaction) and a consistent read snapshot. They never send SQL: statements live in
 * repositories, the only code that holds `Db` (dependency-cruiser checks it).
 */
@Injectable()
export class Transactions {
  constructor(private readonly db: Db) {}

  /** Runs `work` in a transaction, or in the one already open in this async context. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** A read-only REPEATABLE READ snapshot on its own connection; `close()` it (finally). */
  snapshot(): Promise<ReadSnapshot> {
    return this.db.snapshot();
  }

  /** Whether the database answers (readiness). */
  ping(): Promise<void> {
    return this.db.ping();
  }
}
