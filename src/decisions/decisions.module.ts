import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LinksModule } from '../links/links.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { DecisionFactsRepository } from './decision-facts.repository';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';

/** "May I send?": the facts of each recipient, read in one statement, and the rules applied to them. */
@Module({
  imports: [CampaignsModule, CustomersModule, PreferencesModule, LedgerModule, MetricsModule, IdempotencyModule, LinksModule],
  controllers: [DecisionsController],
  providers: [DecisionFactsRepository, DecisionsService],
  exports: [DecisionsService],
})
export class DecisionsModule {}
