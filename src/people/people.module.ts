import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { DecisionsModule } from '../decisions/decisions.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';

/** Compliance staff's lookup of one person: who they are in the records and where their consent stands. */
@Module({
  imports: [LedgerModule, CustomersModule, CampaignsModule, DecisionsModule],
  controllers: [PeopleController],
  providers: [PeopleRepository, PeopleService],
})
export class PeopleModule {}
