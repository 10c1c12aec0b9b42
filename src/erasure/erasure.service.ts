import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { Problem } from '../common/problem';
import { Transactions } from '../database/transactions';
import { ErasureResultDto } from './erasure.dto';
import { ErasureRepository } from './erasure.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { Pseudonyms } from '../ledger/pseudonyms';
import { SystemEvents } from '../ledger/system-events';

/**
 * GDPR Art. 17 for one customer, in one transaction:
 * - every contact point the customer has or had goes on the suppression list (a keyed hash,
 *   reason `opted_out` when the newest consent state there was an opt-out), so decisions keep
 *   denying it and imports cannot opt it back in;
 * - in the ledger, the customer id and addresses become keyed-hash pseudonyms, personal
 *   evidence keys are dropped, and the salts of their commitments are deleted: the leaves,
 *   blocks and ledger tree still verify, and the old values can no longer be confirmed;
 * - every other row holding their data is deleted (customer, contact points, preferences,
 *   sends, inbound messages, lifecycle rows, stored API responses), inbound messages leaving
 *   keyed hashes behind so that a provider's replay is still one, and imports' errors and
 *   rejected lines that quote them are cleared;
 * - the erasure is itself a ledger entry, naming the pseudonym only.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly transactions: Transactions,
    private readonly erasure: ErasureRepository,
    private readonly ledger: LedgerRepository,
    private readonly pseudonyms: Pseudonyms,
    private readonly systemEvents: SystemEvents,
  ) {}

  async erase(customerId: string, reason: string | undefined, by: Principal): Promise<ErasureResultDto> {
    const pseudonym = this.pseudonyms.erasedCustomerId(customerId);
    return this.transactions.run(async () => {
      // A sealer reading these events right now would seal them with salts that the update
      // below cannot see: wait for it (erasures are rare; writers never take this lock).
      await this.ledger.waitSealLock();
      await this.erasure.allowPseudonymisation();
      const points = await this.erasure.contactPointsOf(customerId);
      if (!points.length && !(await this.erasure.isKnown(customerId)))
        throw Problem.notFound('CUSTOMER.NOT_FOUND', `No customer or ledger event has id ${customerId}.`);

      const groups = points.map((p) => p.channel_group);
      const addresses = points.map((p) => p.address);
      await this.erasure.suppress(
        groups,
        points.map((p) => this.pseudonyms.addressHash(p.channel_group, p.address)),
        points.map((p) => (p.opted_out ? 'opted_out' : 'erased')),
      );
      const byAddress = await this.erasure.pseudonymiseEventsAt(
        groups,
        addresses,
        points.map((p) => this.pseudonyms.erasedAddress(p.channel_group, p.address)),
        customerId,
        pseudonym,
      );
      const byCustomer = await this.erasure.pseudonymiseEventsOf(customerId, pseudonym);
      const ids = [...new Set([...byAddress, ...byCustomer])];
      await this.erasure.forgetSalts(ids);

      let deleted = 0;
      deleted += await this.erasure.deleteLifecycle(customerId, groups, addresses);
      deleted += await this.erasure.deleteSends(customerId, groups, addresses);
      // A provider's replay of one of their messages must stay a replay (a captured START would
      // opt the number back in): keep keyed hashes of each message id and content, and its answer.
      const messages = await this.erasure.inboundMessagesFrom(addresses);
      if (messages.length) {
        await this.erasure.keepErasedMessages(
          messages.map((m) => this.pseudonyms.messageRef(m.provider, m.message_id)),
          messages.map((m) => this.pseudonyms.requestRef(m.request_hash.trim())),
          messages.map((m) => m.result),
        );
      }
      deleted += await this.erasure.deleteInboundMessagesFrom(addresses);
      // Imports' stored errors and rejected lines that quote the person (parsers of older
      // versions did): the rest of the import's record stays.
      const values = [customerId, ...addresses];
      await this.erasure.clearImportErrorsQuoting(values);
      await this.erasure.clearRejectionsQuoting(values);
      deleted += await this.erasure.deletePreferences(customerId);
      deleted += await this.erasure.deleteStoredResponsesNaming(values);
      deleted += await this.erasure.deleteContactPoints(customerId, groups, addresses);
      deleted += await this.erasure.deleteCustomer(customerId);

      const eventId = await this.systemEvents.record('customer.erased', by.actor, pseudonym, {
        events: ids.length,
        suppressed: points.length,
        deleted,
        ...(reason ? { reason } : {}),
      });
      return { pseudonym, events: ids.length, suppressed: points.length, deleted, eventId };
    });
  }
}
