import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ErasureController } from './erasure.controller';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';

/** GDPR Art. 17: a customer's personal data replaced by keyed-hash pseudonyms, their addresses suppressed. */
@Module({
  imports: [LedgerModule, IdempotencyModule],
  controllers: [ErasureController],
  providers: [ErasureRepository, ErasureService],
})
export class ErasureModule {}
