import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { DecisionsModule } from '../decisions/decisions.module';
import { EventsModule } from '../events/events.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ConsentsController } from './consents.controller';
import { ConsentsService } from './consents.service';

/** Recording consent (POST /v1/consents) and reading its state and history. */
@Module({
  imports: [EventsModule, CustomersModule, CampaignsModule, DecisionsModule, LedgerModule, MetricsModule, IdempotencyModule],
  controllers: [ConsentsController],
  providers: [ConsentsService],
  exports: [ConsentsService],
})
export class ConsentsModule {}
