import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LifecycleRepository } from './lifecycle.repository';
import { LifecycleService } from './lifecycle.service';

/** The lifecycle sweep: re-confirmation requests, lapses and expiries, recorded as time makes them true. */
@Module({
  imports: [CampaignsModule],
  providers: [LifecycleRepository, LifecycleService],
  exports: [LifecycleService],
})
export class LifecycleModule {}
