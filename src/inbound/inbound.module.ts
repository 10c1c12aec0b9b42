import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EventsModule } from '../events/events.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { InboundController } from './inbound.controller';
import { InboundRepository } from './inbound.repository';
import { InboundService } from './inbound.service';
import { ReviewsController } from './reviews.controller';
import { ReviewsRepository } from './reviews.repository';
import { ReviewsService } from './reviews.service';
import { SendersController } from './senders.controller';
import { SendersRepository } from './senders.repository';
import { SendersService } from './senders.service';

/**
 * Customers' replies (STOP, START, HELP and the rest), the senders whose keywords and reply
 * texts read and answer them, and the unclear replies filed for staff to review.
 */
@Module({
  imports: [EventsModule, CustomersModule, LedgerModule, MetricsModule, IdempotencyModule],
  controllers: [InboundController, SendersController, ReviewsController],
  providers: [InboundRepository, InboundService, SendersRepository, SendersService, ReviewsRepository, ReviewsService],
})
export class InboundModule {}
