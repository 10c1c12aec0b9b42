import { Module } from '@nestjs/common';
import { IdempotencyRetention } from './idempotency-retention';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

/** Idempotency-Key on POSTs: the stored response commits with the write it reports. */
@Module({
  providers: [IdempotencyRepository, IdempotencyRetention, IdempotencyService],
  exports: [IdempotencyRetention, IdempotencyService],
})
export class IdempotencyModule {}
