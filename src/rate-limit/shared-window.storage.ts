import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RateLimitRepository } from './rate-limit.repository';

interface Counter {
  window: number;
  ttl: number;
  /** The total over every replica at the last sync (this replica's flushed hits included). */
  shared: number;
  /** Hits counted here since then. */
  pending: number;
}

/** What ThrottlerStorage.increment answers (@nestjs/throttler's ThrottlerStorageRecord). */
export interface WindowRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Request counts per key in fixed windows, shared by every replica through PostgreSQL
 * (`rate_limit_window`) without a database round trip per request: each replica counts in
 * memory and, every RATE_LIMIT_SYNC_MS, adds its new hits to the shared row and reads back the
 * total. So a key's limit holds across replicas, overshot at most by what the other replicas
 * accepted within one sync interval. When the database cannot be reached, counting goes on per
 * replica (rate limiting fails open: decisions themselves fail closed).
 */
@Injectable()
export class SharedWindowStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly counters = new Map<string, Counter>();
  private timer?: NodeJS.Timeout;
  private syncing: Promise<void> | null = null;
  private lastCleanup = 0;
  private failing = false;

  constructor(
    private readonly shared: RateLimitRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.rateLimit > 0) {
      this.timer = setInterval(() => void this.sync(), this.config.rateLimitSyncMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** ThrottlerStorage: `ttl` in milliseconds; times answered in seconds. A blocked key stays blocked until its window ends. */
  increment(key: string, ttl: number, limit: number): Promise<WindowRecord> {
    return Promise.resolve(this.hit(key, ttl, limit, Date.now()));
  }

  hit(key: string, ttl: number, limit: number, now: number): WindowRecord {
    const window = now - (now % ttl);
    let c = this.counters.get(key);
    if (!c || c.window !== window) {
      c = { window, ttl, shared: 0, pending: 0 };
      this.counters.set(key, c);
    }
    c.pending++;
    const totalHits = c.shared + c.pending;
    const timeToExpire = Math.max(1, Math.ceil((window + ttl - now) / 1000));
    const isBlocked = totalHits > limit;
    return { totalHits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  /** Adds this replica's new hits to the shared counts and reads the totals back (one sync at a time). */
  sync(now = Date.now()): Promise<void> {
    this.syncing ??= this.flush(now).finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async flush(now: number): Promise<void> {
    try {
      const keys: string[] = [],
        windows: number[] = [],
        hits: number[] = [];
      for (const [key, c] of this.counters) {
        // A past window is dropped once it has nothing left to add, or is too old to matter.
        const ended = c.window + c.ttl <= now;
        if (ended && (c.pending === 0 || c.window + 2 * c.ttl <= now)) {
          this.counters.delete(key);
          continue;
        }
        keys.push(key);
        windows.push(c.window);
        hits.push(c.pending);
      }
      if (keys.length) {
        const rows = await this.shared.addHits(keys, windows, hits);
        // One window per key was sent; a counter that moved on to the next window meanwhile keeps its count.
        const sent = new Map(keys.map((k, i) => [k, hits[i]]));
        for (const row of rows) {
          const c = this.counters.get(row.key);
          if (!c || c.window !== Number(row.window_start)) continue;
          c.pending -= sent.get(row.key)!;
          c.shared = row.hits;
        }
      }
      if (now - this.lastCleanup > 60_000) {
        this.lastCleanup = now;
        await this.shared.forgetWindowsBefore(now - 2 * this.config.rateLimitWindowMs - 60_000);
      }
      if (this.failing) this.logger.log('rate limit counts are shared again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`rate limit counts cannot be shared (each replica counts alone meanwhile): ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
