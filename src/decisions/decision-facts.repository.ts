import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { NEWEST_FIRST } from '../database/newest-first';
import { CLARIFICATION_ANSWER, CLARIFICATION_RESOLUTION, CONSENT_ACTIONS_SQL } from '../events/consent-events.repository';
import type { CoveringEvent, PendingClarification, ServiceWindow } from './send-decision.policy';
import { GenerateSql } from '../database/generate-sql';
import { SameTurnBatcher } from '../common/same-turn-batcher';
import { isoMicros } from '../database/timestamp-text';
import { textArray } from '../database/text-array';

/** Preferences as the ledger holds them (evidence.preferences of preferences_changed). */
export interface StoredPreferences {
  channels: Record<string, { enabled: boolean }>;
  preferredChannels: string[];
  quietHours: { start: string; end: string; days?: number[] } | null;
  maxMessages: Record<string, { count: number; per: string }> | null;
  /** Marketing is deferred until then (absent in changes recorded before pauses existed). */
  pausedUntil?: string | null;
}

/** The campaign as defined at the instant asked about (replays use the version then in force). */
export interface CampaignRecord {
  purpose: string;
  channels: string[];
  /** Its lifecycle policy, as ISO 8601 durations. */
  reconfirmEvery: string | null;
  reconfirmGrace: string | null;
  consentTtl: string | null;
  jurisdictions: string[];
}

/**
 * What the ledger says of one recipient, for the rules to weigh (src/decisions/decision.rules.ts):
 * - `covering`: per place an event may sit (the address; the customer's contact points, asked by
 *   customer alone; the customer named; the customer owning the address; a suppression of the
 *   address or of the customer's contact points), the newest event there stating consent on this
 *   channel, channel-wide or on this campaign, recorded by the instant asked about. Times are
 *   ISO 8601 with microseconds: the rules pick the newest of them.
 * - `window`: the service window open then on this channel (conversational campaigns only).
 * - `clarification`: an unclear reply of the contact point asked back and still waiting then
 *   (no answer, no staff resolution, hold not over; marketing campaigns only).
 * - `timeZone`, `preferences`, `region`, `lastPurchaseAt`: of the customer named, else of the
 *   address's owner (preferences as of then; the others as they stand); `contactAddress`: for a
 *   campaign under `us-states`, the customer's number in the channel group (its area code).
 */
export interface RecipientRecord {
  covering: CoveringEvent[];
  window: ServiceWindow | null;
  clarification: PendingClarification | null;
  timeZone: string | null;
  preferences: StoredPreferences | null;
  region: string | null;
  lastPurchaseAt: string | null;
  contactAddress: string | null;
}

/** One read of the facts of "may I send?": no campaign (null) when it does not exist. */
export interface DecisionFacts {
  campaign: CampaignRecord | null;
  /** Whether the channel group has any suppression at all (until it does, addresses are not hashed). */
  hasSuppressions: boolean;
  /** In the order the recipients were asked about. */
  recipients: RecipientRecord[];
}

export interface FactsQuery {
  campaignId: string;
  channelGroup: string;
  channel: string;
  /** Replays: only what was recorded by then counts. */
  at: Date | null;
  recipients: { customerId: string | null; address: string | null }[];
  /** Per recipient, the address's keyed hash (Pseudonyms.addressHash), or null; null as a whole: suppressions not looked up. */
  addressHashes: (string | null)[] | null;
  /** REVOKE_ALL_FROM: opt-outs from then on, from any campaign, cover every marketing campaign on the channel. */
  revokeAllFrom: Date;
}

/** A recipient with nothing on record; `emptyRecord()` to fill one in. */
const emptyRecord = (): RecipientRecord => ({
  covering: [],
  window: null,
  clarification: null,
  timeZone: null,
  preferences: null,
  region: null,
  lastPurchaseAt: null,
  contactAddress: null,
});
const NO_RECORD: RecipientRecord = Object.freeze(emptyRecord());

const US = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/**
 * A candidate covering event, as the rules take it (`time`: its instants as ISO 8601 with
 * microseconds; a batch takes them as text, and readMany writes them so: see isoMicros).
 */
const CANDIDATE = (id: string, action: string, campaign: string, occurred: string, recorded: string, time = US) =>
  `${id} as id, ${action} as action, ${campaign} as "campaignId", ${time(occurred)} as "occurredAt", ${time(recorded)} as "recordedAt"`;
const AS_TEXT = (column: string) => `${column}::text`;
const COVERING_COLUMNS = 'e.id, e.action, e.campaign_id, e.occurred_at, e.recorded_at';
/**
 * Event `e` states consent, on the channel or campaign $1, recorded by the instant $5 (if any).
 * Revoke all (FCC 47 CFR 64.1200(a)(10)): an opt-out from another campaign, given on or after
 * `revokeAllFrom` (the parameter named), covers campaign $1 too when it is marketing then.
 */
const COVERS_CAMPAIGN_AT = (revokeAllFrom: string | null) => `(e.campaign_id is null or e.campaign_id = $1${
  revokeAllFrom
    ? `
    or (e.action = 'opt_out' and e.occurred_at >= ${revokeAllFrom}::timestamptz and ${IS_MARKETING_AT})`
    : ''
})
  and ($5::timestamptz is null or e.recorded_at <= $5) and e.action in ${CONSENT_ACTIONS_SQL}`;
/**
 * The service window open at the instant asked about ($5, or now) on the channel asked about
 * ($6), for the addresses given.
 */
const OPEN_WINDOW = (addresses: string) => `
  w.action = 'service_window' and w.channel = $6 and w.address ${addresses}
  and w.expires_at > coalesce($5::timestamptz, now()) and w.occurred_at <= coalesce($5::timestamptz, now())
  and ($5::timestamptz is null or w.recorded_at <= $5)`;
/**
 * Clarification `h` of the addresses given waits at the instant asked about ($5, or now): asked
 * by then, its hold not over, and neither answered by the customer nor resolved by staff by then.
 */
const PENDING_CLARIFICATION = (addresses: string) => `
  h.action = 'clarification_requested' and h.channel_group = $2 and h.address ${addresses}
  and h.expires_at > coalesce($5::timestamptz, now()) and h.occurred_at <= coalesce($5::timestamptz, now())
  and ($5::timestamptz is null or h.recorded_at <= $5)
  and not exists (${CLARIFICATION_ANSWER('h', '$5')})
  and not exists (${CLARIFICATION_RESOLUTION('h', '$5')})`;
/** Whether campaign $1 is a marketing campaign at the instant asked about (computed once per statement). */
const IS_MARKETING_AT = `(select v.purpose = 'marketing' from campaign_version v
   where v.campaign_id = $1 and v.valid_from <= coalesce($5::timestamptz, now()) order by v.valid_from desc limit 1)`;
/** The campaign as defined at the instant asked about ($5, or now). */
const CAMPAIGN_AT = `(select v.purpose, v.channels, v.reconfirm_every, v.reconfirm_grace, v.consent_ttl, v.jurisdictions from campaign_version v
   where v.campaign_id = $1 and v.valid_from <= coalesce($5::timestamptz, now()) order by v.valid_from desc limit 1)`;
const CAMPAIGN_COLUMNS = `c.purpose, c.channels, c.reconfirm_every as "reconfirmEvery", c.reconfirm_grace as "reconfirmGrace", c.consent_ttl as "consentTtl",
  c.jurisdictions, exists (select 1 from suppression where channel_group = $2) as "hasSuppressions"`;
/** The newest `preferences_changed` of a customer recorded by the instant asked about (preferences are replayed like consent). */
const PREFERENCES_OF = (customer: string, at = '$5') => `(select e.evidence->'preferences' from consent_event e
   where e.customer_id = ${customer} and e.channel_group = '*' and e.action = 'preferences_changed'
     and (${at}::timestamptz is null or e.recorded_at <= ${at})
   order by ${NEWEST_FIRST('e')} limit 1)`;
/** A suppression stands as a channel-wide `suppressed` fact at the time of the erasure. */
const SUPPRESSION = (at: string, time = US) => CANDIDATE('null::text', `'suppressed'::varchar`, 'null::varchar', at, at, time);

/**
 * "May I send?" for one recipient, in one statement of equality lookups (PostgreSQL keeps one
 * generic plan for it): the campaign, the newest covering event of each place (see
 * RecipientRecord), the open window and the profile. `byAddress`: the address ($3) is given
 * (with or without the customer, $4), else the customer alone; each shape has only its own
 * lookups, since every lookup in a plan costs PostgreSQL its setup even when it finds nothing
 * (asked by address: 156 against 193 µs of backend CPU per statement). `suppressed`: the
 * channel group has suppressions, and $7 is the address's keyed hash (or null).
 */
const FACTS_OF_ONE = (
  byAddress: boolean,
  suppressed: boolean,
  revokeAll: boolean,
  covers = COVERS_CAMPAIGN_AT(revokeAll ? (suppressed ? '$8' : '$7') : null),
) => {
  const newestAt = (where: string) => `select ${COVERING_COLUMNS} from consent_event e
        where e.channel_group = $2 and ${where}
          and ${covers}
        order by ${NEWEST_FIRST('e')} limit 1`;
  // The contact points asked about: the address, or every one the customer has in the group.
  const addresses = byAddress ? '= $3' : '= any(array(select p.address from contact_point p where p.customer_id = $4 and p.channel_group = $2))';
  // Asked by customer alone, $3 (sent, null) is read nowhere: an unread CTE, never planned, gives it its type.
  return `
  with ${byAddress ? '' : 'no_address as (select $3::text), '}candidates as (
    ${
      byAddress
        ? `(${newestAt('e.address = $3')})
    union all
    -- The customer-wide events of whoever owns the address.
    (select e.* from contact_point p cross join lateral (${newestAt('e.address is null and e.customer_id = p.customer_id')}) e
      where p.channel_group = $2 and p.address = $3)
    union all`
        : `(select e.* from contact_point p cross join lateral (${newestAt('e.address = p.address')}) e
      where p.customer_id = $4 and p.channel_group = $2)
    union all`
    }
    (${newestAt('e.address is null and e.customer_id = $4')})
  ), covering as (
    select ${CANDIDATE('n.id::text', 'n.action', 'n.campaign_id', 'n.occurred_at', 'n.recorded_at')} from candidates n
    ${
      suppressed
        ? `union all
    select ${SUPPRESSION('s.suppressed_at')} from suppression s
     where s.channel_group = $2 and s.address_hash = $7 and ($5::timestamptz is null or s.suppressed_at <= $5)
    ${
      byAddress
        ? ''
        : `union all
    select ${SUPPRESSION('p.suppressed_at')} from contact_point p
     where p.customer_id = $4 and p.channel_group = $2 and p.suppressed_at is not null
       and ($5::timestamptz is null or p.suppressed_at <= $5)`
    }`
        : ''
    }
  )
  select ${CAMPAIGN_COLUMNS},
         (select coalesce(json_agg(v), '[]') from covering v) as covering,
         w.id::text as "windowId", ${ISO('w.occurred_at')} as "windowOccurredAt", ${ISO('w.recorded_at')} as "windowRecordedAt", ${ISO('w.expires_at')} as "windowExpiresAt",
         h.id::text as "clarificationId", ${ISO('h.expires_at')} as "clarificationUntil",
         k.timezone as "timeZone", k.preferences, k.region, ${ISO('k.last_purchase_at')} as "lastPurchaseAt", k.contact_address as "contactAddress"
    from ${CAMPAIGN_AT} c
    left join lateral (
      select w.id, w.occurred_at, w.recorded_at, w.expires_at from consent_event w
       where c.purpose = 'conversational' and ${OPEN_WINDOW(addresses)}
       order by w.expires_at desc limit 1) w on true
    left join lateral (
      select h.id, h.expires_at from consent_event h
       where c.purpose = 'marketing' and ${PENDING_CLARIFICATION(addresses)}
       order by h.expires_at desc limit 1) h on true
    -- The customer asked about, or who owns the address: time zone and preferences.
    left join lateral (
      select cu.timezone, ${PREFERENCES_OF('cu.id')} as preferences, cu.region, cu.last_purchase_at,
             ${
               byAddress
                 ? 'null::varchar'
                 : // Asked by customer alone: their number, whose area code may tell their state (us-states).
                   `case when 'us-states' = any(c.jurisdictions) then (select p.address from contact_point p where p.customer_id = cu.id and p.channel_group = $2 order by p.address limit 1) end`
             } as contact_address
        from customer cu
       where cu.id = ${byAddress ? 'coalesce($4, (select p.customer_id from contact_point p where p.channel_group = $2 and p.address = $3 order by p.customer_id limit 1))' : '$4'}
    ) k on true`;
};

/**
 * The row as one json value: node-postgres then parses one field, not many (its per-result
 * field setup and row building cost more than JSON.parse of the same row).
 */
const AS_ONE_JSON = (sql: string) => `select to_json(d) as row from (${sql}) d`;
/**
 * The statements by [asked by address][suppressed][revoke all]: until REVOKE_ALL_FROM has come
 * (for the instant asked about), the statement without the revoke-all branch, which costs
 * nothing then.
 */
const ONE = [false, true].map((byAddress) =>
  [false, true].map((suppressed) => [false, true].map((revokeAll) => AS_ONE_JSON(FACTS_OF_ONE(byAddress, suppressed, revokeAll)))),
);

/**
 * "May I send?" for a batch, in one statement whatever its size. For each recipient: the
 * contact points it stands for (its address; or, given by customer alone, every contact point
 * the customer has in the channel group) and the customers it stands for (the one named; and
 * whoever owns the address); then the newest covering event of each address and of each
 * customer, and the suppressions. Each lookup is one index scan over all recipients at once
 * (= ANY of an array), about half the cost of a lateral lookup per recipient at 10,000; the
 * index scan sorts the array and drops repeats itself, so the statement does neither (nor does
 * it sort its rows): 75 against 84 ms of PostgreSQL's CPU for 10,000 recipients. Pending
 * clarifications are joined to the targets, not looked up by an array of them: there are few,
 * and the array cost 4.5 ms of a batch even when none was pending. Candidates' instants come as
 * text (11 ms fewer than to_char). Rows come
 * tagged, in no order: the campaign once (ord 0, none when it does not exist), and per
 * recipient (ord, 1-based) its candidates, its open window and its profile. The same text is
 * sent prepared, as `decision-facts-group`, for single decisions read together.
 */
const FACTS_OF_MANY = (revokeAll: boolean) => `
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
      select distinct on (x.ord) x.ord, cu.timezone, ${PREFERENCES_OF('cu.id')} as preferences, cu.region, cu.last_purchase_at,
             case when (select 'us-states' = any(c.jurisdictions) from c) then (select p.address from contact_point p where p.customer_id = cu.id and p.channel_group = $2 order by p.address limit 1) end as contact_address
        from customers x join customer cu on cu.id = x.customer_id
       order by x.ord, x.pri, x.customer_id) pr
     where pr.timezone is not null or pr.preferences is not null or pr.region is not null or pr.last_purchase_at is not null
  ), address_events as (
    select distinct on (e.address) e.address, ${COVERING_COLUMNS}
      from consent_event e
     where e.channel_group = $2 and e.address = any(array(select address from targets))
       and ${COVERS_CAMPAIGN_AT(revokeAll ? '$8' : null)}
     order by e.address, ${NEWEST_FIRST()}
  ), customer_events as (
    select distinct on (e.customer_id) e.customer_id, ${COVERING_COLUMNS}
      from consent_event e
     where e.channel_group = $2 and e.address is null
       and e.customer_id = any(array(select customer_id from customers))
       and ${COVERS_CAMPAIGN_AT(revokeAll ? '$8' : null)}
     order by e.customer_id, ${NEWEST_FIRST()}
  ), candidates as (
    select t.ord, ${CANDIDATE('a.id::text', 'a.action', 'a.campaign_id', 'a.occurred_at', 'a.recorded_at', AS_TEXT)}
      from targets t join address_events a on a.address = t.address
    union all
    select c.ord, ${CANDIDATE('ce.id::text', 'ce.action', 'ce.campaign_id', 'ce.occurred_at', 'ce.recorded_at', AS_TEXT)}
      from customers c join customer_events ce on ce.customer_id = c.customer_id
    union all
    select r.ord, ${SUPPRESSION('s.suppressed_at', AS_TEXT)}
      from r join suppression s on s.channel_group = $2 and s.address_hash = r.address_hash
     where $5::timestamptz is null or s.suppressed_at <= $5
    union all
    select r.ord, ${SUPPRESSION('p.suppressed_at', AS_TEXT)}
      from r join contact_point p on p.customer_id = r.customer_id and p.channel_group = $2
     where r.address is null and p.suppressed_at is not null and ($5::timestamptz is null or p.suppressed_at <= $5)
  ), windows as (
    select distinct on (t.ord) t.ord, w.id, w.occurred_at, w.recorded_at, w.expires_at
      from targets t join consent_event w on ${OPEN_WINDOW('= t.address')}
     where (select c.purpose from c) = 'conversational'
     order by t.ord, w.expires_at desc
  ), clarifications as (
    select distinct on (t.ord) t.ord, h.id, h.expires_at
      from targets t join consent_event h on ${PENDING_CLARIFICATION('= t.address')}
     where (select c.purpose from c) = 'marketing'
     order by t.ord, h.expires_at desc
  )
  select 0::int as ord, 'campaign' as kind, to_json(x) as facts, null::text as id, null::varchar as action, null::varchar as "campaignId",
         null::text as "occurredAt", null::text as "recordedAt", null::text as "expiresAt", null::varchar as timezone, null::jsonb as preferences,
         null::varchar as region, null::text as last_purchase_at, null::varchar as contact_address
    from (select ${CAMPAIGN_COLUMNS} from c) x
  union all
  select n.ord::int, 'event', null, n.id, n.action, n."campaignId", n."occurredAt", n."recordedAt", null, null, null, null, null, null from candidates n where exists (select 1 from c)
  union all
  select w.ord::int, 'window', null, w.id::text, null, null, ${ISO('w.occurred_at')}, ${ISO('w.recorded_at')}, ${ISO('w.expires_at')}, null, null, null, null, null from windows w
  union all
  select h.ord::int, 'clarification', null, h.id::text, null, null, null, null, ${ISO('h.expires_at')}, null, null, null, null, null from clarifications h
  union all
  select k.ord::int, 'profile', null, null, null, null, null, null, null, k.timezone, k.preferences, k.region, ${ISO('k.last_purchase_at')}, k.contact_address from profiles k where exists (select 1 from c)`;

const MANY = FACTS_OF_MANY(false);
const MANY_REVOKE_ALL = FACTS_OF_MANY(true);

/** A column of the recipients as a text[] parameter; nulls only: empty, as unnest pads a shorter array with nulls. */
const recipientColumn = (values: (string | null)[]): string => (values.every((v) => v === null) ? '{}' : textArray(values));

/** Whether REVOKE_ALL_FROM has come by the instant asked about: only then can an opt-out from another campaign count. */
const revokesAll = (q: FactsQuery): boolean => q.revokeAllFrom.getTime() <= (q.at ?? new Date()).getTime();

/** Single decisions read together (see DecisionFactsRepository.together): at least, and at most (the prepared statement's plan is for a few). */
const GROUP_MIN = 3;
const GROUP_MAX = 64;

/** What single decisions read together must share: all but the recipient. */
const groupKey = (q: FactsQuery): string =>
  `${q.campaignId}\n${q.channelGroup}\n${q.channel}\n${q.at?.getTime() ?? ''}\n${q.addressHashes ? 'hashed' : ''}\n${revokesAll(q) ? 'all' : ''}`;

/** A row of FACTS_OF_MANY (see its select list). */
interface TaggedRow {
  ord: number;
  kind: 'campaign' | 'event' | 'window' | 'clarification' | 'profile';
  facts: (CampaignRecord & { hasSuppressions: boolean }) | null;
  id: string | null;
  action: string | null;
  campaignId: string | null;
  occurredAt: string | null;
  recordedAt: string | null;
  expiresAt: string | null;
  timezone: string | null;
  preferences: StoredPreferences | null;
  region: string | null;
  last_purchase_at: string | null;
  contact_address: string | null;
}

/** FACTS_OF_ONE's row. */
interface OneRow extends CampaignRecord {
  hasSuppressions: boolean;
  covering: CoveringEvent[];
  windowId: string | null;
  windowOccurredAt: string | null;
  windowRecordedAt: string | null;
  windowExpiresAt: string | null;
  clarificationId: string | null;
  clarificationUntil: string | null;
  timeZone: string | null;
  preferences: StoredPreferences | null;
  region: string | null;
  lastPurchaseAt: string | null;
  contactAddress: string | null;
}

function campaignOf(row: CampaignRecord): CampaignRecord {
  return {
    purpose: row.purpose,
    channels: row.channels,
    reconfirmEvery: row.reconfirmEvery,
    reconfirmGrace: row.reconfirmGrace,
    consentTtl: row.consentTtl,
    jurisdictions: row.jurisdictions ?? [],
  };
}

/**
 * The facts of "may I send?", read in one statement per request (the hot path's SQL, in one
 * place): see DecisionFacts and RecipientRecord for what comes back. The rules that weigh them
 * are src/decisions/decision.rules.ts.
 */
@Injectable()
export class DecisionFactsRepository {
  constructor(private readonly db: Db) {}

  /** The facts for the recipients asked about: one prepared statement for one recipient, one planned statement for a batch. */
  @GenerateSql(
    {
      name: 'one recipient',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: null,
          recipients: [{ customerId: 'cus_42', address: '+14155550100' }],
          addressHashes: null,
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
    {
      name: 'one recipient asked by customer alone',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: null,
          recipients: [{ customerId: 'cus_42', address: null }],
          addressHashes: null,
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
    {
      name: 'one recipient, the channel group has suppressions',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: null,
          recipients: [{ customerId: null, address: '+14155550100' }],
          addressHashes: ['5d41402abc4b2a76b9719d911017c592'],
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
    {
      name: 'a batch',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: new Date('2026-03-01T12:00:00.000Z'),
          recipients: [
            { customerId: 'cus_42', address: null },
            { customerId: null, address: '+14155550100' },
          ],
          addressHashes: null,
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
    {
      name: 'one recipient, once REVOKE_ALL_FROM has come',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: new Date('2027-03-01T12:00:00.000Z'),
          recipients: [{ customerId: 'cus_42', address: '+14155550100' }],
          addressHashes: null,
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
    {
      name: 'a batch, once REVOKE_ALL_FROM has come',
      params: [
        {
          campaignId: 'spring-promo',
          channelGroup: 'sms',
          channel: 'sms',
          at: new Date('2027-03-01T12:00:00.000Z'),
          recipients: [{ customerId: null, address: '+14155550100' }],
          addressHashes: null,
          revokeAllFrom: new Date('2027-01-31T00:00:00Z'),
        },
      ],
    },
  )
  async read(q: FactsQuery): Promise<DecisionFacts> {
    if (q.recipients.length !== 1) return this.readMany(q);
    // A reservation reads inside its transaction, on its connection: alone.
    if (this.db.inTransaction) return this.readOne(q);
    return this.together.add(groupKey(q), q);
  }

  /**
   * Single decisions that reach the service together (one poll of its sockets: under load, 5-9
   * at a time) are read by one statement: PostgreSQL's cost of a statement is mostly fixed (the
   * grouped statement costs 410 µs of backend CPU for 8 recipients, where the single one costs
   * 137 µs for one). Each read still starts after its request arrived, so it sees every opt-out
   * committed before; fewer than GROUP_MIN read alone, since below that the single statement
   * costs less.
   */
  private readonly together = new SameTurnBatcher<FactsQuery, DecisionFacts>((_key, queries) => this.readTogether(queries), GROUP_MAX);

  private async readTogether(queries: FactsQuery[]): Promise<DecisionFacts[]> {
    if (queries.length < GROUP_MIN) return Promise.all(queries.map((q) => this.readOne(q)));
    const first = queries[0];
    const facts = await this.readMany(
      {
        ...first,
        recipients: queries.map((q) => q.recipients[0]),
        addressHashes: first.addressHashes && queries.map((q) => q.addressHashes![0]),
      },
      'decision-facts-group',
    );
    return facts.recipients.map((record) => ({ campaign: facts.campaign, hasSuppressions: facts.hasSuppressions, recipients: [record] }));
  }

  private async readOne(q: FactsQuery): Promise<DecisionFacts> {
    const r = q.recipients[0];
    // A named statement: planned once per connection, which is most of the cost of one decision.
    // Until the channel group has a suppression, the statement without those branches.
    const revokeAll = revokesAll(q);
    const params: unknown[] = [q.campaignId, q.channelGroup, r.address, r.customerId, q.at, q.channel];
    if (q.addressHashes) params.push(q.addressHashes[0]);
    if (revokeAll) params.push(q.revokeAllFrom);
    const byAddress = r.address !== null;
    const name = `decision-facts-${byAddress ? 'a' : 'c'}${q.addressHashes ? '-s' : ''}${revokeAll ? '-r' : ''}`;
    const rows = await this.db.query<{ row: OneRow }>(ONE[byAddress ? 1 : 0][q.addressHashes ? 1 : 0][revokeAll ? 1 : 0], params, name);
    const row = rows[0]?.row;
    if (!row) return { campaign: null, hasSuppressions: false, recipients: [NO_RECORD] };
    const window: ServiceWindow | null = row.windowId
      ? { id: row.windowId, occurredAt: row.windowOccurredAt!, recordedAt: row.windowRecordedAt!, expiresAt: row.windowExpiresAt! }
      : null;
    return {
      campaign: campaignOf(row),
      hasSuppressions: row.hasSuppressions,
      recipients: [
        {
          covering: row.covering,
          window,
          clarification: row.clarificationId ? { id: row.clarificationId, until: row.clarificationUntil! } : null,
          timeZone: row.timeZone,
          preferences: row.preferences,
          region: row.region,
          lastPurchaseAt: row.lastPurchaseAt,
          contactAddress: row.contactAddress,
        },
      ],
    };
  }

  /**
   * `name`: a prepared statement, for groups of at most GROUP_MAX. A batch is not one:
   * PostgreSQL's generic plan assumes ten array elements and picks a nested loop that takes
   * seconds at ten thousand recipients; planning each time costs ~2 ms.
   */
  private async readMany(q: FactsQuery, name?: string): Promise<DecisionFacts> {
    const revokeAll = revokesAll(q);
    const params: unknown[] = [
      q.campaignId,
      q.channelGroup,
      recipientColumn(q.recipients.map((r) => r.customerId)),
      recipientColumn(q.recipients.map((r) => r.address)),
      q.at,
      q.channel,
      recipientColumn(q.addressHashes ?? []),
    ];
    if (revokeAll) params.push(q.revokeAllFrom);
    const rows = await this.db.query<TaggedRow>(revokeAll ? MANY_REVOKE_ALL : MANY, params, name && `${name}${revokeAll ? '-r' : ''}`);
    const recipients: RecipientRecord[] = new Array<RecipientRecord>(q.recipients.length).fill(NO_RECORD);
    let campaign: TaggedRow['facts'] = null;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row.kind === 'campaign') {
        campaign = row.facts;
        continue;
      }
      let record = recipients[row.ord - 1];
      if (record === NO_RECORD) record = recipients[row.ord - 1] = emptyRecord();
      if (row.kind === 'event') {
        // An event row has a CoveringEvent's fields under their names: kept as it came (one object fewer per event).
        row.occurredAt = isoMicros(row.occurredAt!);
        row.recordedAt = isoMicros(row.recordedAt!);
        record.covering.push(row as CoveringEvent);
      } else if (row.kind === 'window') {
        record.window = { id: row.id!, occurredAt: row.occurredAt!, recordedAt: row.recordedAt!, expiresAt: row.expiresAt! };
      } else if (row.kind === 'clarification') {
        record.clarification = { id: row.id!, until: row.expiresAt! };
      } else {
        record.timeZone = row.timezone;
        record.preferences = row.preferences;
        record.region = row.region;
        record.lastPurchaseAt = row.last_purchase_at;
        record.contactAddress = row.contact_address;
      }
    }
    // No campaign, no other rows either (each part of the statement asks that it exists).
    if (!campaign) return { campaign: null, hasSuppressions: false, recipients };
    return { campaign: campaignOf(campaign), hasSuppressions: campaign.hasSuppressions, recipients };
  }

  /** A customer's preferences as of `at` (or now): the newest preferences_changed recorded by then. */
  @GenerateSql({ params: ['cus_42', null] })
  async preferencesAt(customerId: string, at: Date | null): Promise<StoredPreferences | null> {
    const rows = await this.db.query<{ preferences: StoredPreferences | null }>(`select ${PREFERENCES_OF('$1', '$2')} as preferences`, [customerId, at]);
    return rows[0]?.preferences ?? null;
  }
}
