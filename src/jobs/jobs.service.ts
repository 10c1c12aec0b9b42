import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyRetention } from '../idempotency/idempotency-retention';
import { LedgerService } from '../ledger/ledger.service';
import { Metrics } from '../metrics/metrics';
import { LifecycleService, SweepResult } from '../lifecycle/lifecycle.service';
import { DeliveryRunResult, WebhooksService } from '../webhooks/webhooks.service';

export const JOBS = ['reconfirmation', 'webhooks', 'idempotency-retention', 'seal'] as const;
export type JobName = (typeof JOBS)[number];
export type JobResult = SweepResult | DeliveryRunResult | { removed: number } | Awaited<ReturnType<LedgerService['sealPending']>>;

/**
 * The service's background jobs, run on a schedule on every replica (work is claimed in the
 * database, so replicas never do the same item twice) and on demand by operators. Within one
 * process a job never overlaps itself; shutdown waits for the runs in progress.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly running = new Map<JobName, Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly webhooks: WebhooksService,
    private readonly idempotency: IdempotencyRetention,
    private readonly ledger: LedgerService,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  /** Runs a job now, after any run of it in progress here, and says what it did. */
  async run(job: string): Promise<{ job: JobName; result: JobResult }> {
    if (!(JOBS as readonly string[]).includes(job)) {
      throw Problem.notFound('JOB.NOT_FOUND', `No job is called "${job}"; jobs: ${JOBS.join(', ')}.`);
    }
    const name = job as JobName;
    await this.running.get(name)?.catch(() => undefined);
    return { job: name, result: await this.track(name, this.work(name)) };
  }

  private work(job: JobName): Promise<JobResult> {
    const timer = this.metrics.jobs.startTimer({ job });
    return this.perform(job).then(
      (result) => {
        timer({ result: 'ok' });
        return result;
      },
      (error: unknown) => {
        timer({ result: 'error' });
        throw error;
      },
    );
  }

  private perform(job: JobName): Promise<JobResult> {
    switch (job) {
      case 'reconfirmation':
        return this.lifecycle.sweep().then((r) => {
          // What the sweep recorded, as the API's writes are counted (source: system).
          for (const [action, n] of [
            ['reconfirmation_requested', r.requested],
            ['lapsed', r.lapsed],
            ['expired', r.expired],
            ['confirmation_expired', r.confirmationsExpired],
            ['clarification_expired', r.clarificationsExpired],
          ] as const) {
            if (n) this.metrics.events.inc({ action, source: 'system' }, n);
          }
          return r;
        });
      case 'webhooks':
        return this.webhooks.deliverDue();
      case 'idempotency-retention':
        return this.idempotency.purgeExpired().then((removed) => ({ removed }));
      case 'seal':
        return this.ledger.sealPending();
    }
  }

  private track<T>(job: JobName, run: Promise<T>): Promise<T> {
    const tracked = run.finally(() => {
      if (this.running.get(job) === tracked) this.running.delete(job);
    });
    this.running.set(job, tracked);
    return tracked;
  }

  /** A scheduled run: skipped while one is in progress here; failures are logged, not thrown. */
  private scheduled(job: JobName): void {
    if (this.stopping || this.running.has(job)) return;
    this.track(job, this.work(job)).catch((error: Error) => this.logger.warn(`${job} failed: ${error.message}`));
  }

  /** Every schedule of the service, here and nowhere else. */
  onApplicationBootstrap(): void {
    if (!this.scheduler) return; // schedules off (tests, one-off commands)
    const cron = (job: JobName, cronTime: string) =>
      this.scheduler!.addCronJob(job, CronJob.from({ cronTime, onTick: () => this.scheduled(job), start: true }));
    const every = (job: JobName, ms: number) =>
      this.scheduler!.addInterval(
        job,
        setInterval(() => this.scheduled(job), ms),
      );
    cron('reconfirmation', this.config.reconfirmationCron);
    every('webhooks', this.config.webhookPollMs);
    every('seal', this.config.sealIntervalMs);
    cron('idempotency-retention', '0 * * * *');
  }

  /**
   * No scheduled run starts once shutdown begins, and the runs in progress finish before any
   * module's shutdown hook (the pool's among them) runs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
