import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyService } from './idempotency.service';
import { IdempotencyRepository } from './idempotency.repository';

@Injectable()
export class IdempotencyRetention {
  private readonly logger = new Logger('IdempotencyRetention');

  constructor(
    private readonly records: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Forgets keys older than IDEMPOTENCY_RETENTION_HOURS (at least 24). Safe on every replica at once. */
  async purgeExpired(): Promise<number> {
    const removed = await this.records.deleteOlderThan(this.config.idempotencyRetentionHours);
    if (removed) this.logger.log(`forgot ${removed} idempotency keys`);
    return removed;
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'idempotency-retention' })
  async onSchedule(): Promise<void> {
    await this.purgeExpired().catch((error: Error) => this.logger.warn(`purge failed: ${error.message}`));
  }
}

@Module({
  providers: [IdempotencyRepository, IdempotencyRetention, IdempotencyService],
  exports: [IdempotencyRetention, IdempotencyService],
})
export class IdempotencyModule {}
