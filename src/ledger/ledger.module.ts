import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { Pseudonyms } from './pseudonyms';
import { SystemEvents } from './system-events';

/**
 * The tamper-evident ledger, as infrastructure for every feature: system entries (who changed
 * or read what), the keyed-hash pseudonyms that stand for erased personal data, and sealing,
 * heads and proofs.
 */
@Module({
  providers: [LedgerRepository, LedgerService, Pseudonyms, SystemEvents],
  exports: [LedgerRepository, LedgerService, Pseudonyms, SystemEvents],
})
export class LedgerModule {}
