import { Module } from '@nestjs/common';
import { ConsentEventsRepository } from './consent-events.repository';

/** The consent event store: every feature that records an event writes it here. */
@Module({
  providers: [ConsentEventsRepository],
  exports: [ConsentEventsRepository],
})
export class EventsModule {}
