import { Module } from '@nestjs/common';
import { ImportsModule } from '../imports/imports.module';
import { LedgerModule } from '../ledger/ledger.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { OverviewController } from './overview.controller';
import { OverviewRepository } from './overview.repository';
import { OverviewService } from './overview.service';

/** The staff console's overview: counts and health, for people who watch the service. */
@Module({
  imports: [LedgerModule, WebhooksModule, ImportsModule],
  controllers: [OverviewController],
  providers: [OverviewRepository, OverviewService],
})
export class OverviewModule {}
