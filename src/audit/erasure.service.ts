import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { Problem } from '../common/problem';
import { CONSENT_ACTIONS_SQL } from '../consents/consent-events.repository';
import { Db } from '../database/db';
import { ErasureResultDto } from './audit.dto';
import { PERSONAL_EVIDENCE_KEYS } from './ledger-format';
import { LedgerRepository } from './ledger.repository';
import { Pseudonyms } from './pseudonyms';
import { SystemEvents } from './system-events';

const PERSONAL_KEYS_SQL = `array[${PERSONAL_EVIDENCE_KEYS.map((k) => `'${k}'`).join(', ')}]`;

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
    private readonly db: Db,
    private readonly ledger: LedgerRepository,
    private readonly pseudonyms: Pseudonyms,
    private readonly systemEvents: SystemEvents,
  ) {}

  async erase(customerId: string, reason: string | undefined, by: Principal): Promise<ErasureResultDto> {
    const pseudonym = this.pseudonyms.erasedCustomerId(customerId);
    return this.db.transaction(async () => {
      // A sealer reading these events right now would seal them with salts that the update
      // below cannot see: wait for it (erasures are rare; writers never take this lock).
      await this.ledger.waitSealLock();
      await this.db.query(`select set_config('consent.erasure', 'on', true)`);
      const points = await this.db.query<{ channel_group: string; address: string; opted_out: boolean }>(
        `with points as (
           select channel_group, address from contact_point where customer_id = $1
           union
           select channel_group, address from consent_event where customer_id = $1 and address is not null and address not like 'erased:%')
         select p.channel_group, p.address,
                coalesce((select n.action = 'opt_out' from consent_event n
                           where n.channel_group = p.channel_group and n.address = p.address and n.action in ${CONSENT_ACTIONS_SQL}
                           order by n.occurred_at desc, n.recorded_at desc, n.id desc limit 1), false)
                or exists (select 1 from consent_event c where c.customer_id = $1 and c.channel_group = p.channel_group and c.action = 'opt_out') as opted_out
           from points p`,
        [customerId],
      );
      const [{ known }] = await this.db.query<{ known: boolean }>(
        `select exists (select 1 from customer where id = $1) or exists (select 1 from consent_event where customer_id = $1) as known`,
        [customerId],
      );
      if (!known && !points.length) throw Problem.notFound('CUSTOMER.NOT_FOUND', `No customer or ledger event has id ${customerId}.`);

      const groups = points.map((p) => p.channel_group);
      const addresses = points.map((p) => p.address);
      await this.db.query(
        `insert into suppression (channel_group, address_hash, reason, suppressed_at)
         select * from unnest($1::text[], $2::text[], $3::text[]), lateral (select now()) t
         on conflict (channel_group, address_hash) do update
           set reason = case when suppression.reason = 'opted_out' then 'opted_out' else excluded.reason end, suppressed_at = excluded.suppressed_at`,
        [groups, points.map((p) => this.pseudonyms.addressHash(p.channel_group, p.address)), points.map((p) => (p.opted_out ? 'opted_out' : 'erased'))],
      );
      const byAddress = await this.db.query<{ id: string }>(
        `update consent_event e
            set address = m.pseudonym,
                customer_id = case when e.customer_id = $4 then $5 else e.customer_id end,
                evidence = e.evidence - ${PERSONAL_KEYS_SQL}
           from unnest($1::text[], $2::text[], $3::text[]) as m(channel_group, address, pseudonym)
          where e.channel_group = m.channel_group and e.address = m.address
         returning e.id::text`,
        [groups, addresses, points.map((p) => this.pseudonyms.erasedAddress(p.channel_group, p.address)), customerId, pseudonym],
      );
      const byCustomer = await this.db.query<{ id: string }>(
        `update consent_event set customer_id = $2, evidence = evidence - ${PERSONAL_KEYS_SQL} where customer_id = $1 returning id::text`,
        [customerId, pseudonym],
      );
      const ids = [...new Set([...byAddress, ...byCustomer].map((r) => r.id))];
      await this.db.query(`update ledger_leaf set salt = null where stream = 'consent' and event_id = any($1::bigint[]) and salt is not null`, [ids]);

      let deleted = 0;
      const remove = async (sql: string, params: unknown[]) => {
        deleted += (await this.db.query(`with d as (${sql} returning 1) select count(*)::int as n from d`, params) as { n: number }[])[0].n;
      };
      const inPoints = `(channel_group, address) in (select * from unnest($2::text[], $3::text[]))`;
      await remove(`delete from consent_lifecycle where customer_id = $1 or ${inPoints}`, [customerId, groups, addresses]);
      await remove(`delete from send where customer_id = $1 or ${inPoints}`, [customerId, groups, addresses]);
      // A provider's replay of one of their messages must stay a replay (a captured START would
      // opt the number back in): keep keyed hashes of each message id and content, and its answer.
      const messages = await this.db.query<{ provider: string; message_id: string; request_hash: string; result: unknown }>(
        `select provider, message_id, request_hash, result from inbound_message where from_address = any($1::text[])`,
        [addresses],
      );
      if (messages.length) {
        await this.db.query(
          `insert into inbound_message_erased (message_ref, request_ref, result)
           select m, r, j::jsonb from unnest($1::text[], $2::text[], $3::text[]) as t(m, r, j) on conflict (message_ref) do nothing`,
          [
            messages.map((m) => this.pseudonyms.messageRef(m.provider, m.message_id)),
            messages.map((m) => this.pseudonyms.requestRef(m.request_hash.trim())),
            messages.map((m) => JSON.stringify(m.result)),
          ],
        );
      }
      await remove(`delete from inbound_message where from_address = any($1::text[])`, [addresses]);
      // Imports' stored errors and rejected lines that quote the person (parsers of older
      // versions did): the rest of the import's record stays.
      const values = [customerId, ...addresses];
      await this.db.query(
        `update consent_import set error = jsonb_build_object('line', error->'line', 'message', 'removed by an erasure')
          where error is not null and exists (select 1 from unnest($1::text[]) v where strpos(error::text, v) > 0)`,
        [values],
      );
      await this.db.query(
        `update consent_import_rejection r set reason = 'removed by an erasure', field = 'line'
          where exists (select 1 from unnest($1::text[]) v where strpos(r.reason, v) > 0 or strpos(r.field, v) > 0)`,
        [values],
      );
      await remove(`delete from customer_preference where customer_id = $1`, [customerId]);
      // Stored API responses (idempotency replays) that name the customer or an address.
      await remove(`delete from idempotency_record r where exists (select 1 from unnest($1::text[]) v where strpos(r.response::text, to_json(v)::text) > 0)`, [[customerId, ...addresses]]);
      await remove(`delete from contact_point where customer_id = $1 or ${inPoints}`, [customerId, groups, addresses]);
      await remove(`delete from customer where id = $1`, [customerId]);

      const eventId = await this.systemEvents.record('customer.erased', by.actor, pseudonym, {
        events: ids.length, suppressed: points.length, deleted, ...(reason ? { reason } : {}),
      });
      return { pseudonym, events: ids.length, suppressed: points.length, deleted, eventId };
    });
  }
}
