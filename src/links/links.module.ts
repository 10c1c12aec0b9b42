import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';

/** Signed links for customers: their preference centre, and one-click unsubscribe. */
@Module({
  imports: [CustomersModule, CampaignsModule, LedgerModule],
  controllers: [LinksController],
  providers: [LinksService],
  exports: [LinksService],
})
export class LinksModule {}
