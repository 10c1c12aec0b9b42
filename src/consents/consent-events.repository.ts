import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { CONSENT_STATE_ACTIONS } from './consent.dto';

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

/** The newest event covering one recipient (rule 2 of decisions), or nulls when none does. */
export interface CoveringEventsRow {
  /** Batch only: 0 for the campaign row, else the recipient's 1-based position. */
  ord?: number;
  /** Null on a batch's recipient rows. */
  purpose: string | null;
  /** The campaign row: whether the channel group has suppressions at all. */
  has_suppressions?: boolean | null;
  channels: string[] | null;
  /** The campaign's policy (ISO 8601 durations); null on a batch's recipient rows. */
  reconfirm_every: string | null;
  reconfirm_grace: string | null;
  consent_ttl: string | null;
  id: string | null;
  action: string | null;
  campaign_id: string | null;
  /** ISO 8601 text (milliseconds, Z): 10,000 Date parses and re-formats per batch are not free. */
  occurred_at: string | null;
  recorded_at: string | null;
  /** The open service window, conversational campaigns only (ISO 8601 text like the above). */
  window_id: string | null;
  window_occurred_at: string | null;
  window_recorded_at: string | null;
  window_expires_at: string | null;
  /** Campaign rows: its jurisdictions. */
  jurisdictions?: string[] | null;
  /** The customer's time zone and preferences (as of the instant asked about), when known. */
  timezone: string | null;
  preferences: StoredPreferences | null;
}

/** Preferences as the ledger holds them (evidence.preferences of preferences_changed). */
export interface StoredPreferences {
  channels: Record<string, { enabled: boolean }>;
  preferredChannels: string[];
  quietHours: { start: string; end: string; days?: number[] } | null;
  maxMessages: Record<string, { count: number; per: string }> | null;
}

export const EVENT_COLUMNS = `id, customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
  language, jurisdiction, occurred_at, recorded_at, expires_at, recorded_by`;

// Rule 2 of decisions: newest first by when it happened; ties go to the later recorded.
const NEWEST_FIRST = 'occurred_at desc, recorded_at desc, id desc';
const NEWEST_FIRST_E = 'e.occurred_at desc, e.recorded_at desc, e.id desc';
const COVERING_COLUMNS = 'e.id, e.action, e.campaign_id, e.occurred_at, e.recorded_at';
/** Events that state consent; others (service windows) are facts decisions look up on their own. */
export const CONSENT_ACTIONS_SQL = `(${CONSENT_STATE_ACTIONS.map((a) => `'${a}'`).join(', ')})`;
/** Rule 2 of decisions for event `e`: states consent, on the channel or campaign $1, recorded by the instant $5 (if any). */
const COVERS_CAMPAIGN_AT = `(e.campaign_id is null or e.campaign_id = $1) and ($5::timestamptz is null or e.recorded_at <= $5)
  and e.action in ${CONSENT_ACTIONS_SQL}`;
const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/**
 * The service window open at the instant asked about ($5, or now) on the channel asked about
 * ($6), for the addresses given; looked up only for conversational campaigns.
 */
const OPEN_WINDOW = (addresses: string) => `
  w.action = 'service_window' and w.channel = $6 and w.address ${addresses}
  and w.expires_at > coalesce($5::timestamptz, now()) and w.occurred_at <= coalesce($5::timestamptz, now())
  and ($5::timestamptz is null or w.recorded_at <= $5)`;
const WINDOW_COLUMNS = `w.id::text as window_id, ${ISO('w.occurred_at')} as window_occurred_at,
  ${ISO('w.recorded_at')} as window_recorded_at, ${ISO('w.expires_at')} as window_expires_at`;
/** The campaign as defined at the instant asked about ($5, or now): replays use the policy then in force. */
const CAMPAIGN_AT = `(select v.purpose, v.channels, v.reconfirm_every, v.reconfirm_grace, v.consent_ttl, v.jurisdictions from campaign_version v
   where v.campaign_id = $1 and v.valid_from <= coalesce($5::timestamptz, now()) order by v.valid_from desc limit 1)`;
const POLICY_COLUMNS = 'c.reconfirm_every, c.reconfirm_grace, c.consent_ttl, c.jurisdictions';
/**
 * The preferences a customer had at the instant asked about ($5, or now): the newest
 * `preferences_changed` event recorded by then (preferences are replayed like consent).
 */
const PREFERENCES_OF = (customer: string, at = '$5') => `(select e.evidence->'preferences' from consent_event e
   where e.customer_id = ${customer} and e.channel_group = '*' and e.action = 'preferences_changed'
     and (${at}::timestamptz is null or e.recorded_at <= ${at})
   order by e.occurred_at desc, e.recorded_at desc, e.id desc limit 1)`;
const ISO_TIMES = `${ISO('n.occurred_at')} as occurred_at, ${ISO('n.recorded_at')} as recorded_at`;
/**
 * An erased customer's contact point (issue 5) competes with events as a channel-wide
 * `suppressed` fact at the time of the erasure: it wins until a newer opt-in.
 */
/** Whether the channel group has any suppression: until it does, decisions skip hashing addresses. */
const HAS_SUPPRESSIONS = 'exists (select 1 from suppression where channel_group = $2) as has_suppressions';
const SUPPRESSION_COLUMNS = (at: string) => `null::bigint as id, 'suppressed'::varchar as action, null::varchar as campaign_id, ${at} as occurred_at, ${at} as recorded_at`;

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
   order by e.channel_group, coalesce(e.address, ''), coalesce(e.campaign_id, ''), ${NEWEST_FIRST_E}`;

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

/**
 * "May I send?" for one recipient: the same rule as COVERING_EVENTS_SQL below, shaped for one
 * recipient so that every lookup is an equality on an index and PostgreSQL keeps one generic
 * plan for it (the batch shape, = ANY of arrays, costs twice as much per single lookup and
 * gets re-planned every time). Four branches, the newest of which wins: events on the address;
 * on the customer's contact points (asked by customer alone); on the customer named; on the
 * customer owning the address. test/decisions.e2e-spec.ts checks both shapes agree.
 */
/** `suppressed`: the channel group has suppressions, and $7 is the address's keyed hash (or null). */
const COVERING_EVENT_SQL = (suppressed: boolean) => `
  with candidates as (
    (select ${COVERING_COLUMNS} from consent_event e
      where e.channel_group = $2 and e.address = $3
        and ${COVERS_CAMPAIGN_AT}
      order by ${NEWEST_FIRST_E} limit 1)
    union all
    (select e.* from contact_point p cross join lateral (
       select ${COVERING_COLUMNS} from consent_event e
        where e.channel_group = $2 and e.address = p.address
          and ${COVERS_CAMPAIGN_AT}
        order by ${NEWEST_FIRST_E} limit 1) e
      where $3::text is null and p.customer_id = $4 and p.channel_group = $2)
    union all
    (select ${COVERING_COLUMNS} from consent_event e
      where e.channel_group = $2 and e.address is null and e.customer_id = $4
        and ${COVERS_CAMPAIGN_AT}
      order by ${NEWEST_FIRST_E} limit 1)
    union all
    (select e.* from contact_point p cross join lateral (
       select ${COVERING_COLUMNS} from consent_event e
        where e.channel_group = $2 and e.address is null and e.customer_id = p.customer_id
          and ${COVERS_CAMPAIGN_AT}
        order by ${NEWEST_FIRST_E} limit 1) e
      where p.channel_group = $2 and p.address = $3)
    ${suppressed ? `union all
    select ${SUPPRESSION_COLUMNS('s.suppressed_at')} from suppression s
     where s.channel_group = $2 and s.address_hash = $7 and ($5::timestamptz is null or s.suppressed_at <= $5)
    union all
    select ${SUPPRESSION_COLUMNS('p.suppressed_at')} from contact_point p
     where $3::text is null and p.customer_id = $4 and p.channel_group = $2 and p.suppressed_at is not null
       and ($5::timestamptz is null or p.suppressed_at <= $5)` : ''}
  )
  select c.purpose, c.channels, ${POLICY_COLUMNS}, ${HAS_SUPPRESSIONS}, n.id::text as id, n.action, n.campaign_id,
         ${ISO_TIMES}, ${WINDOW_COLUMNS}, k.timezone, k.preferences
    from ${CAMPAIGN_AT} c
    left join (select * from candidates order by ${NEWEST_FIRST} limit 1) n on true
    left join lateral (
      select w.id, w.occurred_at, w.recorded_at, w.expires_at from consent_event w
       where c.purpose = 'conversational' and ${OPEN_WINDOW(`= any(case when $3::text is not null then array[$3::text]
             else array(select p.address from contact_point p where p.customer_id = $4 and p.channel_group = $2) end)`)}
       order by w.expires_at desc limit 1) w on true
    -- The customer asked about, or who owns the address: time zone and preferences.
    left join lateral (
      select cu.timezone, ${PREFERENCES_OF('cu.id')} as preferences from customer cu
       where cu.id = coalesce($4, (select p.customer_id from contact_point p where p.channel_group = $2 and p.address = $3 order by p.customer_id limit 1))
    ) k on true`;

/**
 * "May I send?" for a batch, in one statement whatever its size. For each recipient: the contact points it stands for (its address; or, given by customer
 * alone, every contact point the customer has in the channel group) and the customers it
 * stands for (the one named; and whoever owns the address). Then the newest event of each
 * address and of each customer (customer-level events have no address), scoped to the whole
 * channel group or to the campaign and recorded no later than `at`; then the newest of those
 * per recipient. Each lookup is one index scan over all recipients at once (= ANY of a sorted
 * array), which costs about half of one lateral lookup per recipient at 10,000 recipients.
 * No row comes back when the campaign does not exist; see the select for the result's shape.
 */
const COVERING_EVENTS_SQL = `
  with c as materialized ${CAMPAIGN_AT}, r as (
    select * from unnest($3::text[], $4::text[], $7::text[]) with ordinality as r(customer_id, address, address_hash, ord)
  ), targets as (
    select ord, address from r where address is not null
    union all
    select r.ord, p.address from r join contact_point p on p.customer_id = r.customer_id and p.channel_group = $2
     where r.address is null
  ), customers as (
    select ord, customer_id, 0 as pri from r where customer_id is not null
    union all
    select r.ord, p.customer_id, 1 as pri from r join contact_point p on p.channel_group = $2 and p.address = r.address
     where r.address is not null
  ), profiles as (
    -- Per recipient, the customer named (else the address's owner): time zone and preferences.
    select * from (
      select distinct on (x.ord) x.ord, cu.timezone, ${PREFERENCES_OF('cu.id')} as preferences
        from customers x join customer cu on cu.id = x.customer_id
       order by x.ord, x.pri, x.customer_id) pr
     where pr.timezone is not null or pr.preferences is not null
  ), address_events as (
    select distinct on (e.address) e.address, ${COVERING_COLUMNS}
      from consent_event e
     where e.channel_group = $2 and e.address = any(array(select distinct address from targets order by 1))
       and ${COVERS_CAMPAIGN_AT}
     order by e.address, ${NEWEST_FIRST}
  ), customer_events as (
    select distinct on (e.customer_id) e.customer_id, ${COVERING_COLUMNS}
      from consent_event e
     where e.channel_group = $2 and e.address is null
       and e.customer_id = any(array(select distinct customer_id from customers order by 1))
       and ${COVERS_CAMPAIGN_AT}
     order by e.customer_id, ${NEWEST_FIRST}
  ), candidates as (
    select t.ord, a.id, a.action, a.campaign_id, a.occurred_at, a.recorded_at
      from targets t join address_events a on a.address = t.address
    union all
    select c.ord, ce.id, ce.action, ce.campaign_id, ce.occurred_at, ce.recorded_at
      from customers c join customer_events ce on ce.customer_id = c.customer_id
    union all
    select r.ord, ${SUPPRESSION_COLUMNS('s.suppressed_at')}
      from r join suppression s on s.channel_group = $2 and s.address_hash = r.address_hash
     where $5::timestamptz is null or s.suppressed_at <= $5
    union all
    select r.ord, ${SUPPRESSION_COLUMNS('p.suppressed_at')}
      from r join contact_point p on p.customer_id = r.customer_id and p.channel_group = $2
     where r.address is null and p.suppressed_at is not null and ($5::timestamptz is null or p.suppressed_at <= $5)
  ), newest as (
    select distinct on (ord) * from candidates order by ord, ${NEWEST_FIRST}
  ), windows as (
    select distinct on (t.ord) t.ord, w.id, w.occurred_at, w.recorded_at, w.expires_at
      from targets t join consent_event w on ${OPEN_WINDOW('= t.address')}
     where (select c.purpose from c) = 'conversational'
     order by t.ord, w.expires_at desc
  )
  -- The campaign once (ord 0), then one row per recipient that has a covering event or an open
  -- window: the campaign's columns are not repeated (and parsed) ten thousand times.
  select 0 as ord, c.purpose, c.channels, ${POLICY_COLUMNS}, ${HAS_SUPPRESSIONS}, null as id, null as action, null as campaign_id, null as occurred_at, null as recorded_at,
         null as window_id, null as window_occurred_at, null as window_recorded_at, null as window_expires_at, null as timezone, null as preferences
    from c
  union all
  select coalesce(n.ord, w.ord, k.ord)::int, null, null, null, null, null, null, null, n.id::text, n.action, n.campaign_id, ${ISO_TIMES}, ${WINDOW_COLUMNS},
         k.timezone, k.preferences
    from newest n full join windows w on w.ord = n.ord full join profiles k on k.ord = coalesce(n.ord, w.ord)
   where exists (select 1 from c)
   order by ord`;

/**
 * The row as one json value: node-postgres then parses one field, not eighteen (its per-result
 * field setup and row building cost more than JSON.parse of the same row). Every column is text,
 * boolean, a text array or json, so the object is the same either way.
 */
const AS_ONE_JSON = (sql: string) => `select to_json(d) as row from (${sql}) d`;
const COVERING_EVENT = AS_ONE_JSON(COVERING_EVENT_SQL(false));
const COVERING_EVENT_SUPPRESSED = AS_ONE_JSON(COVERING_EVENT_SQL(true));

@Injectable()
export class ConsentEventsRepository {
  constructor(private readonly db: Db) {}

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
  async record(e: NewConsentEvent, o: { ensureCustomer: boolean; suppressionHash: string | null }): Promise<{ event: ConsentEventRow | null; states: ConsentEventRow[] }> {
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
  async recordMany(events: (NewConsentEvent & { suppressionHash: string | null })[], source: string, recordedBy: string): Promise<{ written: number; refused: number[] }> {
    const column = <T>(f: (e: NewConsentEvent & { suppressionHash: string | null }) => T) => events.map(f);
    const [row] = await this.db.query<{ written: number; refused: number[] }>(INSERT_EVENTS, [
      column((e) => e.customerId), column((e) => e.channel), column((e) => e.channelGroup), column((e) => e.address),
      column((e) => e.campaignId), column((e) => e.action), column((e) => JSON.stringify(e.evidence)), column((e) => e.language),
      column((e) => e.jurisdiction), column((e) => e.occurredAt), column((e) => e.suppressionHash), recordedBy, source,
    ]);
    return { written: row.written, refused: row.refused.map((ord) => ord - 1) };
  }

  private insertParams(e: NewConsentEvent, ensureCustomer: boolean, suppressionHash: string | null): unknown[] {
    return [e.customerId, e.channel, e.channelGroup, e.address, e.campaignId, e.action, e.source, e.evidence,
      e.language, e.jurisdiction, e.occurredAt, e.recordedBy, e.expiresAt ?? null, ensureCustomer, suppressionHash];
  }

  findLatestCoveringEvent(q: {
    campaignId: string;
    channelGroup: string;
    channel: string;
    at: Date | null;
    recipient: { customerId: string | null; address: string | null };
    /** Whether the channel group has suppressions; then addressHash is the address's keyed hash (Pseudonyms.addressHash), or null. */
    suppressed: boolean;
    addressHash: string | null;
  }): Promise<CoveringEventsRow[]> {
    // A named statement: planned once per connection, which is most of the cost of one decision.
    // Until the channel group has a suppression (DecisionsService knows), the statement without them.
    const rows = q.suppressed
      ? this.db.query<{ row: CoveringEventsRow }>(COVERING_EVENT_SUPPRESSED, [q.campaignId, q.channelGroup, q.recipient.address, q.recipient.customerId, q.at, q.channel, q.addressHash], 'covering-event-s')
      : this.db.query<{ row: CoveringEventsRow }>(COVERING_EVENT, [q.campaignId, q.channelGroup, q.recipient.address, q.recipient.customerId, q.at, q.channel], 'covering-event');
    return rows.then((found) => found.map((r) => r.row));
  }

  findLatestCoveringEvents(q: {
    campaignId: string;
    channelGroup: string;
    channel: string;
    at: Date | null;
    recipients: { customerId: string | null; address: string | null }[];
    /** Per recipient, as for one; null: not checked. */
    addressHashes: (string | null)[] | null;
  }): Promise<CoveringEventsRow[]> {
    // Not a named statement: PostgreSQL's generic plan assumes ten array elements and picks a
    // nested loop that takes seconds at ten thousand recipients; planning each time costs ~2 ms.
    return this.db.query<CoveringEventsRow>(COVERING_EVENTS_SQL, [
      q.campaignId,
      q.channelGroup,
      q.recipients.map((r) => r.customerId),
      q.recipients.map((r) => r.address),
      q.at,
      q.channel,
      q.addressHashes ?? [],
    ]);
  }

  /** A customer's preferences as of `at` (or now): the newest preferences_changed event recorded by then. */
  async preferencesAt(customerId: string, at: Date | null): Promise<StoredPreferences | null> {
    const rows = await this.db.query<{ preferences: StoredPreferences | null }>(`select ${PREFERENCES_OF('$1', '$2')} as preferences`, [customerId, at]);
    return rows[0]?.preferences ?? null;
  }

  /** Events by id, oldest first (the effects of an inbound message, when it is replayed). */
  findByIds(ids: string[]): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(`select ${EVENT_COLUMNS} from consent_event where id = any($1::bigint[]) order by id`, [ids]);
  }

  /**
   * Current state per (channel group, address or customer, campaign or channel): the newest
   * event of each. Covers the given contact points, and everything recorded on the customers.
   */
  findCurrentStates(q: {
    contactPoints: { channelGroup: string; address: string }[];
    customerIds: string[];
    channelGroup: string | null;
  }): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(CURRENT_STATES('$1', '$2', '$3', '$4'), [
      q.contactPoints.map((p) => p.channelGroup), q.contactPoints.map((p) => p.address), q.customerIds, q.channelGroup,
    ]);
  }

  /** A customer's events and those of their contact points, newest recorded first, keyset-paginated. */
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
