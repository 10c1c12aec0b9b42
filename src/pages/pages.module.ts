import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ConsentsModule } from '../consents/consents.module';
import { CustomersModule } from '../customers/customers.module';
import { DecisionsModule } from '../decisions/decisions.module';
import { LinksModule } from '../links/links.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { PageErrors } from './page-errors';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/** The pages customers open from signed links: the preference centre and one-click unsubscribe. */
@Module({
  imports: [LinksModule, CampaignsModule, CustomersModule, DecisionsModule, ConsentsModule, PreferencesModule],
  controllers: [PagesController],
  providers: [PagesService, PageErrors],
  exports: [PageErrors],
})
export class PagesModule {}
