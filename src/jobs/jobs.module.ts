import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { MetricsModule } from '../metrics/metrics.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/** Every background job and its schedule, in one place; operators run one now through the API. */
@Module({
  imports: [LifecycleModule, WebhooksModule, LedgerModule, IdempotencyModule, MetricsModule],
  controllers: [JobsController],
  providers: [JobsService],
})
export class JobsModule {}
