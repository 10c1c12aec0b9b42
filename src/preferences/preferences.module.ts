import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { EventsModule } from '../events/events.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PreferencesController } from './preferences.controller';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';
import { SendsController } from './sends.controller';
import { SendsRepository } from './sends.repository';
import { SendsService } from './sends.service';

/** Send-time preferences, and the messages sent (what frequency caps count). */
@Module({
  imports: [EventsModule, CustomersModule, CampaignsModule, IdempotencyModule],
  controllers: [PreferencesController, SendsController],
  providers: [PreferencesRepository, PreferencesService, SendsRepository, SendsService],
  exports: [SendsRepository, PreferencesService],
})
export class PreferencesModule {}
