import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { AddressNormaliser } from './address-normaliser';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';

/** Customers and their contact points, and how an address is written (E.164, lower-case email). */
@Module({
  imports: [LedgerModule],
  controllers: [CustomersController],
  providers: [CustomersRepository, CustomersService, AddressNormaliser],
  exports: [CustomersRepository, CustomersService, AddressNormaliser],
})
export class CustomersModule {}
