import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

/** Campaigns: purpose, channels, lifecycle policy and jurisdictions, every version kept. */
@Module({
  imports: [LedgerModule],
  controllers: [CampaignsController],
  providers: [CampaignsRepository, CampaignsService],
  exports: [CampaignsRepository, CampaignsService],
})
export class CampaignsModule {}
