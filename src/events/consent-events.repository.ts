import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { NEWER, NEWEST_FIRST } from '../database/newest-first';
import { CONSENT_STATE_ACTIONS } from './consent-actions';
import { GenerateSql } from '../database/generate-sql';

export interface ConsentEventRow {
  id: string;
  customer_id: string | null;
  channel: string;
  channel_group: string;
  address: string | null;
  campaign_id: string | null;
  action: string;
  source: string;
  evidence: Record<string, unknown>;
  language: string | null;
  jurisdiction: string | null;
  occurred_at: Date;
  recorded_at: Date;
  expires_at: Date | null;
  recorded_by: string;
}

export interface NewConsentEvent {
  customerId: string | null;
  channel: string;
  channelGroup: string;
  address: string | null;
  campaignId: string | null;
  action: string;
  source: string;
  evidence: Record<string, unknown>;
  language: string | null;
  jurisdiction: string | null;
  occurredAt: Date;
  expiresAt?: Date | null;
  recordedBy: string;
}

export const EVENT_COLUMNS = `id, customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
  language, jurisdiction, occurred_at, recorded_at, expires_at, recorded_by`;

/**
 * The customer's answer to clarification `q` (an unclear reply asked back): the first event
 * written from a later reply of the same contact point (an opt-out, an opt-in, an ordinary
 * message's service window, another unclear reply), by the instant `at` when given.
 */
export const CLARIFICATION_ANSWER = (q: string, at = 'null') => `select a.id, a.action, a.occurred_at from consent_event a
   where a.channel_group = ${q}.channel_group and a.address = ${q}.address and a.source in ('keyword', 'conversation')
     and ${NEWER('a', q)} and (${at}::timestamptz is null or (a.occurred_at <= ${at} and a.recorded_at <= ${at}))
   order by a.occurred_at, a.recorded_at, a.id limit 1`;
/** Staff's resolution of clarification `q` (a review), recorded by the instant `at` when given. */
export const CLARIFICATION_RESOLUTION = (
  q: string,
  at = 'null',
) => `select r.id, r.evidence->>'outcome' as outcome, r.recorded_by, r.recorded_at from consent_event r
   where r.action = 'clarification_resolved' and r.evidence->>'reviewId' = ${q}.id::text and (${at}::timestamptz is null or r.recorded_at <= ${at})`;

/** Events that state consent; others (service windows) are facts decisions look up on their own. */
export const CONSENT_ACTIONS_SQL = `(${CONSENT_STATE_ACTIONS.map((a) => `'${a}'`).join(', ')})`;
const E_COLUMNS = EVENT_COLUMNS.replace(/(\w+)/g, 'e.$1');
/**
 * Current state per (channel group, address or customer, campaign or channel): the newest
 * consent-stating event of each, over the contact points (arrays `groups`, `addresses`) and the
 * customers given, in channel group `group` (null: all). Two index scans, not one OR over the
 * ledger. `extra`: more rows to count (an event being inserted by the same statement).
 */
const CURRENT_STATES = (groups: string, addresses: string, customers: string, group: string, extra = '') => `
  select distinct on (e.channel_group, coalesce(e.address, ''), coalesce(e.campaign_id, '')) ${E_COLUMNS}
    from (
      ${extra ? `${extra} union all` : ''}
      select ${E_COLUMNS} from consent_event e
        join unnest(${groups}::text[], ${addresses}::text[]) as p(channel_group, address) on e.channel_group = p.channel_group and e.address = p.address
       where (${group}::text is null or e.channel_group = ${group}::text) and e.action in ${CONSENT_ACTIONS_SQL}
      union all
      select ${E_COLUMNS} from consent_event e
       where e.customer_id = any(${customers}::text[]) and (${group}::text is null or e.channel_group = ${group}::text) and e.action in ${CONSENT_ACTIONS_SQL}
    ) e
   where e.action in ${CONSENT_ACTIONS_SQL}
   order by e.channel_group, coalesce(e.address, ''), coalesce(e.campaign_id, ''), ${NEWEST_FIRST('e')}`;

/**
 * Whether an opt-in of the address with keyed hash `hash` in `group` is refused: the address
 * is an erased customer's (issue 5) and the event is an import or dates from before the erasure.
 */
const SUPPRESSED = (group: string, hash: string, source: string, occurredAt: string) => `exists (select 1 from suppression s
   where ${hash}::text is not null and s.channel_group = ${group} and s.address_hash = ${hash}
     and (${source}::text = 'import' or ${occurredAt}::timestamptz <= s.suppressed_at))`;
const INSERT_COLUMNS = `customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
  language, jurisdiction, occurred_at, recorded_by, expires_at`;

/**
 * Inserts one event ($1..$13 as NewConsentEvent), making sure its customer exists when $14,
 * and writing nothing when $15 (the keyed hash of an address being opted in) is SUPPRESSED;
 * `tail` reads from `ins`, the inserted row.
 */
const INSERT_EVENT = (tail: string) => `
  with customer_row as (
    insert into customer (id) select $1::text where $14::boolean and $1::text is not null on conflict (id) do nothing
  ), ins as (
    insert into consent_event (${INSERT_COLUMNS})
    select $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::jsonb, $9::text, $10::text, $11::timestamptz, $12::text, $13::timestamptz
     where not ${SUPPRESSED('$3', '$15', '$7', '$11')}
    returning ${EVENT_COLUMNS}
  )
  ${tail}`;

/**
 * Many events in one statement (imports): arrays $1..$11 by row, recorded by $12 from source
 * $13. Customers named are created; rows whose $11 (keyed hash of an address opted in) is
 * SUPPRESSED are not written, and their positions (1-based) come back.
 */
const INSERT_EVENTS = `
  with r as (
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
      with ordinality as r(customer_id, channel, channel_group, address, campaign_id, action, evidence, language, jurisdiction, occurred_at, suppression_hash, ord)
  ), customer_rows as (
    insert into customer (id) select distinct customer_id from r where customer_id is not null on conflict (id) do nothing
  ), refused as (
    select r.ord from r where ${SUPPRESSED('r.channel_group', 'r.suppression_hash', '$13', 'r.occurred_at')}
  ), ins as (
    insert into consent_event (${INSERT_COLUMNS})
    select r.customer_id, r.channel, r.channel_group, r.address, r.campaign_id, r.action, $13::text, r.evidence::jsonb, r.language, r.jurisdiction,
           r.occurred_at, $12::text, null
      from r where r.ord not in (select ord from refused) order by r.ord
    returning 1
  )
  select (select count(*) from ins)::int as written, array(select ord::int from refused order by 1) as refused`;

const EXAMPLE_EVENT: NewConsentEvent = {
  customerId: 'cus_42',
  channel: 'sms',
  channelGroup: 'sms',
  address: '+14155550100',
  campaignId: 'spring-promo',
  action: 'opt_in',
  source: 'web_form',
  evidence: { noticeVersion: '2026-03', ip: '203.0.113.7' },
  language: 'en',
  jurisdiction: 'US',
  occurredAt: new Date('2026-03-01T12:00:00.000Z'),
  recordedBy: 'api_key:6b1f3c2e',
};

@Injectable()
export class ConsentEventsRepository {
  constructor(private readonly db: Db) {}

  /** Takes the scope's lock until the transaction ends: writes that check what stands first go one at a time. */
  @GenerateSql({ params: ['["email","cus_42",null,"weekly-deals"]'] })
  async lockScope(scope: string): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock(hashtextextended($1, 17))`, [scope]);
  }

  @GenerateSql({ params: [EXAMPLE_EVENT] })
  async insert(e: NewConsentEvent): Promise<ConsentEventRow> {
    const rows = await this.db.query<ConsentEventRow>(INSERT_EVENT('select * from ins'), this.insertParams(e, false, null), 'insert-event');
    return rows[0];
  }

  /**
   * A consent write in one statement, so in one round trip and one transaction of its own:
   * the customer named exists afterwards (`ensureCustomer`); the event is recorded; and the
   * states it leaves (as findCurrentStates) come back with it. `suppressionHash`: the keyed
   * hash of the address when the event would opt it in: nothing is written, and `event` is
   * null, when the address is suppressed (an erased customer's) and the event is an import
   * or dates from before the erasure.
   */
  @GenerateSql({ params: [EXAMPLE_EVENT, { ensureCustomer: true, suppressionHash: '5d41402abc4b2a76b9719d911017c592' }] })
  async record(
    e: NewConsentEvent,
    o: { ensureCustomer: boolean; suppressionHash: string | null },
  ): Promise<{ event: ConsentEventRow | null; states: ConsentEventRow[] }> {
    const rows = await this.db.query<ConsentEventRow & { kind: string }>(
      INSERT_EVENT(`select 'event' as kind, * from ins
        union all
        select 'state', * from (${CURRENT_STATES('array[$3::text]', 'array[$4::text]', 'array[$1::text]', '$3::text', 'select * from ins')}) s`),
      this.insertParams(e, o.ensureCustomer, o.suppressionHash),
      'record-event',
    );
    const strip = ({ kind: _kind, ...row }: ConsentEventRow & { kind: string }) => row;
    return { event: rows[0]?.kind === 'event' ? strip(rows[0]) : null, states: rows.filter((r) => r.kind === 'state').map(strip) };
  }

  /**
   * Events in one statement (see INSERT_EVENTS), in the caller's transaction if any: how many
   * were written, and the (0-based) indexes of those refused as suppressed.
   */
  @GenerateSql({
    params: [
      [
        { ...EXAMPLE_EVENT, suppressionHash: null },
        { ...EXAMPLE_EVENT, customerId: null, address: '+14155550101', suppressionHash: '5d41402abc4b2a76b9719d911017c592' },
      ],
      'import',
      'api_key:6b1f3c2e',
    ],
    results: [[{ written: 2, refused: [] }]],
  })
  async recordMany(
    events: (NewConsentEvent & { suppressionHash: string | null })[],
    source: string,
    recordedBy: string,
  ): Promise<{ written: number; refused: number[] }> {
    const column = <T>(f: (e: NewConsentEvent & { suppressionHash: string | null }) => T) => events.map(f);
    const [row] = await this.db.query<{ written: number; refused: number[] }>(INSERT_EVENTS, [
      column((e) => e.customerId),
      column((e) => e.channel),
      column((e) => e.channelGroup),
      column((e) => e.address),
      column((e) => e.campaignId),
      column((e) => e.action),
      column((e) => JSON.stringify(e.evidence)),
      column((e) => e.language),
      column((e) => e.jurisdiction),
      column((e) => e.occurredAt),
      column((e) => e.suppressionHash),
      recordedBy,
      source,
    ]);
    return { written: row.written, refused: row.refused.map((ord) => ord - 1) };
  }

  private insertParams(e: NewConsentEvent, ensureCustomer: boolean, suppressionHash: string | null): unknown[] {
    return [
      e.customerId,
      e.channel,
      e.channelGroup,
      e.address,
      e.campaignId,
      e.action,
      e.source,
      e.evidence,
      e.language,
      e.jurisdiction,
      e.occurredAt,
      e.recordedBy,
      e.expiresAt ?? null,
      ensureCustomer,
      suppressionHash,
    ];
  }

  /** Since when an address (by its keyed hash) is suppressed in a channel group, if it is. */
  @GenerateSql({ params: ['sms', '5d41402abc4b2a76b9719d911017c592'] })
  async suppressedSince(channelGroup: string, addressHash: string): Promise<Date | null> {
    const [row] = await this.db.query<{ suppressed_at: Date }>(`select suppressed_at from suppression where channel_group = $1 and address_hash = $2`, [
      channelGroup,
      addressHash,
    ]);
    return row?.suppressed_at ?? null;
  }

  /** Events by id, oldest first (the effects of an inbound message, when it is replayed). */
  @GenerateSql({ params: [['101', '102']] })
  findByIds(ids: string[]): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(`select ${EVENT_COLUMNS} from consent_event where id = any($1::bigint[]) order by id`, [ids]);
  }

  /**
   * Current state per (channel group, address or customer, campaign or channel): the newest
   * event of each. Covers the given contact points, and everything recorded on the customers.
   */
  @GenerateSql({ params: [{ contactPoints: [{ channelGroup: 'sms', address: '+14155550100' }], customerIds: ['cus_42'], channelGroup: null }] })
  findCurrentStates(q: {
    contactPoints: { channelGroup: string; address: string }[];
    customerIds: string[];
    channelGroup: string | null;
  }): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(CURRENT_STATES('$1', '$2', '$3', '$4'), [
      q.contactPoints.map((p) => p.channelGroup),
      q.contactPoints.map((p) => p.address),
      q.customerIds,
      q.channelGroup,
    ]);
  }

  /** A customer's events and those of their contact points, newest recorded first, keyset-paginated. */
  @GenerateSql({ params: ['cus_42', '1200', 51] })
  findHistoryPage(customerId: string, beforeId: string | null, limit: number): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(
      `select ${EVENT_COLUMNS} from (
         select ${EVENT_COLUMNS.replace(/(\w+)/g, 'e.$1')} from consent_event e
          where e.customer_id = $1 and ($2::bigint is null or e.id < $2)
         union
         select ${EVENT_COLUMNS.replace(/(\w+)/g, 'e.$1')} from consent_event e
           join contact_point p on p.customer_id = $1 and e.channel_group = p.channel_group and e.address = p.address
          where $2::bigint is null or e.id < $2
       ) h
       order by id desc limit $3`,
      [customerId, beforeId, limit],
    );
  }
}
