import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { NEWEST_FIRST } from '../database/newest-first';
import { CONSENT_ACTIONS_SQL } from '../events/consent-events.repository';
import { PERSONAL_EVIDENCE_KEYS } from '../ledger/ledger-format';
import { GenerateSql } from '../database/generate-sql';

const PERSONAL_KEYS_SQL = `array[${PERSONAL_EVIDENCE_KEYS.map((k) => `'${k}'`).join(', ')}]`;

/** A contact point a customer has or had, and whether its newest consent there was an opt-out. */
export interface ErasedPoint {
  channel_group: string;
  address: string;
  opted_out: boolean;
}

/** An inbound message about to be erased: what its keyed hashes are made of. */
export interface ErasedMessage {
  provider: string;
  message_id: string;
  request_hash: string;
  result: unknown;
}

/** Rows of `table` matching the contact points ($2 groups, $3 addresses) or the customer ($1). */
const OF_CUSTOMER_OR_POINTS = `customer_id = $1 or (channel_group, address) in (select * from unnest($2::text[], $3::text[]))`;

/** `delete ... returning 1` as a count of the rows deleted. */
const COUNTED = (deletion: string) => `with d as (${deletion} returning 1) select count(*)::int as n from d`;

/**
 * Every statement of an erasure (GDPR Art. 17), run by ErasureService in one transaction. The
 * ledger's tables reject updates except the pseudonymisation an erasure performs, which needs
 * `allowPseudonymisation` first.
 */
@Injectable()
export class ErasureRepository {
  constructor(private readonly db: Db) {}

  /** For this transaction only: the ledger triggers let personal fields become pseudonyms. */
  @GenerateSql({ params: [] })
  async allowPseudonymisation(): Promise<void> {
    await this.db.query(`select set_config('consent.erasure', 'on', true)`);
  }

  /** Every contact point the customer has (or had, in the ledger), with whether its newest consent was an opt-out. */
  @GenerateSql({ params: ['cus_42'] })
  contactPointsOf(customerId: string): Promise<ErasedPoint[]> {
    return this.db.query<ErasedPoint>(
      `with points as (
         select channel_group, address from contact_point where customer_id = $1
         union
         select channel_group, address from consent_event where customer_id = $1 and address is not null and address not like 'erased:%')
       select p.channel_group, p.address,
              coalesce((select n.action = 'opt_out' from consent_event n
                         where n.channel_group = p.channel_group and n.address = p.address and n.action in ${CONSENT_ACTIONS_SQL}
                         order by ${NEWEST_FIRST('n')} limit 1), false)
              or exists (select 1 from consent_event c where c.customer_id = $1 and c.channel_group = p.channel_group and c.action = 'opt_out') as opted_out
         from points p`,
      [customerId],
    );
  }

  /** Whether the service knows the customer (a row, or an event naming them). */
  @GenerateSql({ params: ['cus_42'] })
  async isKnown(customerId: string): Promise<boolean> {
    const [{ known }] = await this.db.query<{ known: boolean }>(
      `select exists (select 1 from customer where id = $1) or exists (select 1 from consent_event where customer_id = $1) as known`,
      [customerId],
    );
    return known;
  }

  /** Puts contact points (by keyed hash) on the suppression list; an earlier opt-out reason is kept. */
  @GenerateSql({ params: [['sms'], ['5d41402abc4b2a76b9719d911017c592'], ['opted_out']] })
  async suppress(groups: string[], addressHashes: string[], reasons: string[]): Promise<void> {
    await this.db.query(
      `insert into suppression (channel_group, address_hash, reason, suppressed_at)
       select * from unnest($1::text[], $2::text[], $3::text[]), lateral (select now()) t
       on conflict (channel_group, address_hash) do update
         set reason = case when suppression.reason = 'opted_out' then 'opted_out' else excluded.reason end, suppressed_at = excluded.suppressed_at`,
      [groups, addressHashes, reasons],
    );
  }

  /** Events on the contact points: addresses become their pseudonyms, the customer id too, personal evidence goes. Their ids. */
  @GenerateSql({ params: [['sms'], ['+14155550100'], ['erased:7c4a8d09ca3762af61e59520943dc264'], 'cus_42', 'erased:0cc175b9c0f1b6a831c399e269772661'] })
  async pseudonymiseEventsAt(groups: string[], addresses: string[], pseudonyms: string[], customerId: string, customerPseudonym: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `update consent_event e
          set address = m.pseudonym,
              customer_id = case when e.customer_id = $4 then $5 else e.customer_id end,
              evidence = e.evidence - ${PERSONAL_KEYS_SQL}
         from unnest($1::text[], $2::text[], $3::text[]) as m(channel_group, address, pseudonym)
        where e.channel_group = m.channel_group and e.address = m.address
       returning e.id::text`,
      [groups, addresses, pseudonyms, customerId, customerPseudonym],
    );
    return rows.map((r) => r.id);
  }

  /** Events naming the customer: the id becomes its pseudonym, personal evidence goes. Their ids. */
  @GenerateSql({ params: ['cus_42', 'erased:0cc175b9c0f1b6a831c399e269772661'] })
  async pseudonymiseEventsOf(customerId: string, customerPseudonym: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `update consent_event set customer_id = $2, evidence = evidence - ${PERSONAL_KEYS_SQL} where customer_id = $1 returning id::text`,
      [customerId, customerPseudonym],
    );
    return rows.map((r) => r.id);
  }

  /** The salts of those events' commitments: without them the old values can no longer be confirmed. */
  @GenerateSql({ params: [['101', '102']] })
  async forgetSalts(eventIds: string[]): Promise<void> {
    await this.db.query(`update ledger_leaf set salt = null where stream = 'consent' and event_id = any($1::bigint[]) and salt is not null`, [eventIds]);
  }

  @GenerateSql({ params: ['cus_42', ['sms'], ['+14155550100']] })
  async deleteLifecycle(customerId: string, groups: string[], addresses: string[]): Promise<number> {
    return this.count(COUNTED(`delete from consent_lifecycle where ${OF_CUSTOMER_OR_POINTS}`), [customerId, groups, addresses]);
  }

  @GenerateSql({ params: ['cus_42', ['sms'], ['+14155550100']] })
  async deleteSends(customerId: string, groups: string[], addresses: string[]): Promise<number> {
    return this.count(COUNTED(`delete from send where ${OF_CUSTOMER_OR_POINTS}`), [customerId, groups, addresses]);
  }

  @GenerateSql({ params: [['+14155550100']] })
  inboundMessagesFrom(addresses: string[]): Promise<ErasedMessage[]> {
    return this.db.query<ErasedMessage>(`select provider, message_id, request_hash, result from inbound_message where from_address = any($1::text[])`, [
      addresses,
    ]);
  }

  /** What stays of erased inbound messages: keyed hashes of their id and content, and the answer they got. */
  @GenerateSql({ params: [['a1b2'], ['c3d4'], [{ intent: 'opt_in', matched: 'keyword.en.start', reply: null, eventIds: ['101'] }]] })
  async keepErasedMessages(messageRefs: string[], requestRefs: string[], results: unknown[]): Promise<void> {
    await this.db.query(
      `insert into inbound_message_erased (message_ref, request_ref, result)
       select m, r, j::jsonb from unnest($1::text[], $2::text[], $3::text[]) as t(m, r, j) on conflict (message_ref) do nothing`,
      [messageRefs, requestRefs, results.map((r) => JSON.stringify(r))],
    );
  }

  @GenerateSql({ params: [['+14155550100']] })
  async deleteInboundMessagesFrom(addresses: string[]): Promise<number> {
    return this.count(COUNTED(`delete from inbound_message where from_address = any($1::text[])`), [addresses]);
  }

  /** Imports' stored errors that quote any of `values`: the message goes, the line stays. */
  @GenerateSql({ params: [['cus_42', '+14155550100']] })
  async clearImportErrorsQuoting(values: string[]): Promise<void> {
    await this.db.query(
      `update consent_import set error = jsonb_build_object('line', error->'line', 'message', 'removed by an erasure')
        where error is not null and exists (select 1 from unnest($1::text[]) v where strpos(error::text, v) > 0)`,
      [values],
    );
  }

  /** Imports' rejected lines whose field or reason quotes any of `values`. */
  @GenerateSql({ params: [['cus_42', '+14155550100']] })
  async clearRejectionsQuoting(values: string[]): Promise<void> {
    await this.db.query(
      `update consent_import_rejection r set reason = 'removed by an erasure', field = 'line'
        where exists (select 1 from unnest($1::text[]) v where strpos(r.reason, v) > 0 or strpos(r.field, v) > 0)`,
      [values],
    );
  }

  @GenerateSql({ params: ['cus_42'] })
  async deletePreferences(customerId: string): Promise<number> {
    return this.count(COUNTED(`delete from customer_preference where customer_id = $1`), [customerId]);
  }

  /** Stored API responses (idempotency replays) that hold any of `values` as a JSON string. */
  @GenerateSql({ params: [['cus_42', '+14155550100']] })
  async deleteStoredResponsesNaming(values: string[]): Promise<number> {
    return this.count(
      COUNTED(`delete from idempotency_record r where exists (select 1 from unnest($1::text[]) v where strpos(r.response::text, to_json(v)::text) > 0)`),
      [values],
    );
  }

  @GenerateSql({ params: ['cus_42', ['sms'], ['+14155550100']] })
  async deleteContactPoints(customerId: string, groups: string[], addresses: string[]): Promise<number> {
    return this.count(COUNTED(`delete from contact_point where ${OF_CUSTOMER_OR_POINTS}`), [customerId, groups, addresses]);
  }

  @GenerateSql({ params: ['cus_42'] })
  async deleteCustomer(customerId: string): Promise<number> {
    return this.count(COUNTED(`delete from customer where id = $1`), [customerId]);
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    return (await this.db.query<{ n: number }>(sql, params))[0].n;
  }
}
