import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Pool } from 'pg';
import { MetricsRepository } from './metrics.repository';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What `GET /metrics` exposes (Prometheus text format). Counters and histograms are
 * per replica (sum them across replicas); lags and pool usage are read when scraped.
 * On the hot path the cost is one histogram observation per request and one counter
 * increment per distinct decision outcome in a request (a batch aggregates first).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Requests by method, route and status, and how long they took.',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'consent_decisions_total',
    help: 'Decisions answered, by outcome and reason.',
    labelNames: ['outcome', 'reason'],
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'consent_events_recorded_total',
    help: 'Consent events recorded by this replica, by action and source (opt-outs by source among them).',
    labelNames: ['action', 'source'],
    registers: [this.registry],
  });

  readonly jobs = new Histogram({
    name: 'consent_job_duration_seconds',
    help: 'Background job runs (sweep, webhooks, seal), by job and result.',
    labelNames: ['job', 'result'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor(lags: MetricsRepository, dataSource: DataSource) {
    const registry = this.registry;
    new Gauge({
      name: 'consent_seal_lag_seconds',
      help: 'Age of the oldest event not sealed into the audit ledger yet (0: none).',
      registers: [registry],
      async collect() {
        this.set(await lags.sealLagSeconds().catch(() => NaN));
      },
    });
    new Gauge({
      name: 'consent_outbox_lag_seconds',
      help: 'Age of the oldest webhook delivery still pending (0: none).',
      registers: [registry],
      async collect() {
        this.set(await lags.outboxLagSeconds().catch(() => NaN));
      },
    });
    const pool = () => (dataSource.isInitialized ? ((dataSource.driver as PostgresDriver).master as Pool | undefined) : undefined);
    new Gauge({
      name: 'consent_db_pool_connections',
      help: 'Database pool connections by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const p = pool();
        this.set({ state: 'total' }, p?.totalCount ?? 0);
        this.set({ state: 'idle' }, p?.idleCount ?? 0);
        this.set({ state: 'waiting' }, p?.waitingCount ?? 0);
      },
    });
  }

  /** Per (method, route, status): the histogram's child, so that a request costs no label hashing. */
  private readonly routes = new Map<string, { observe(value: number): void }>();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.routes.get(key);
    if (!child) {
      child = this.http.labels(method, route, String(status));
      if (this.routes.size < 10_000) this.routes.set(key, child);
    }
    child.observe(seconds);
  }

  /** One decision outcome per (outcome, reason) of a request, counted once. */
  countDecisions(decisions: readonly { outcome: string; reason: string }[]): void {
    if (decisions.length === 1) return this.decision(decisions[0].outcome, decisions[0].reason).inc();
    // By outcome, then reason: no key string built per decision (a batch's 10,000 cost ~2 ms that way).
    const counts = new Map<string, Map<string, number>>();
    for (const d of decisions) {
      let byReason = counts.get(d.outcome);
      if (!byReason) counts.set(d.outcome, (byReason = new Map<string, number>()));
      byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1);
    }
    for (const [outcome, byReason] of counts) for (const [reason, n] of byReason) this.decision(outcome, reason).inc(n);
  }

  private readonly outcomes = new Map<string, { inc(n?: number): void }>();

  /** Outcomes and reasons are a closed set: their counters are looked up once. */
  private decision(outcome: string, reason: string): { inc(n?: number): void } {
    const key = `${outcome}|${reason}`;
    let child = this.outcomes.get(key);
    if (!child) this.outcomes.set(key, (child = this.decisions.labels(outcome, reason)));
    return child;
  }
}
