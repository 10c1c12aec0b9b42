import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';

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
  recordedBy: string;
}

/** The newest event covering one recipient, on its contact point or on its customer. */
export interface CoveringEventRow {
  id: string;
  action: string;
  campaign_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
}

export interface CoveringEventsRow {
  ord: number;
  purpose: string;
  channels: string[];
  on_contact_point: CoveringEventRow | null;
  on_customer: CoveringEventRow | null;
}

const COLUMNS = `id, customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
  language, jurisdiction, occurred_at, recorded_at, recorded_by`;

// Newest first by when it happened; ties go to the later recorded (DOMAIN rule 2).
const NEWEST_FIRST = 'e.occurred_at desc, e.recorded_at desc, e.id desc';
const COVERING_EVENT = `json_build_object('id', e.id::text, 'action', e.action, 'campaign_id', e.campaign_id,
  'occurred_at', e.occurred_at, 'recorded_at', e.recorded_at)`;

@Injectable()
export class ConsentEventsRepository {
  constructor(private readonly db: Db) {}

  async insert(e: NewConsentEvent): Promise<ConsentEventRow> {
    const rows = await this.db.query<ConsentEventRow>(
      `insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
         language, jurisdiction, occurred_at, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       returning ${COLUMNS}`,
      [e.customerId, e.channel, e.channelGroup, e.address, e.campaignId, e.action, e.source, e.evidence,
        e.language, e.jurisdiction, e.occurredAt, e.recordedBy],
    );
    return rows[0];
  }

  /**
   * The hot path of "may I send?": for each recipient, in one round trip whatever their
   * number, the newest event on its contact point(s) and the newest on its customer, among
   * events scoped to the whole channel group or to the campaign, recorded no later than `at`.
   * A recipient given by address alone counts the events of the customer owning it; one given
   * by customer alone counts the events of every contact point the customer has in the group.
   * No row comes back when the campaign does not exist.
   */
  findLatestCoveringEvents(q: {
    campaignId: string;
    channelGroup: string;
    at: Date | null;
    recipients: { customerId: string | null; address: string | null }[];
  }): Promise<CoveringEventsRow[]> {
    return this.db.query<CoveringEventsRow>(
      `with r as (
         select * from unnest($3::text[], $4::text[]) with ordinality as r(customer_id, address, ord)
       )
       select r.ord::int as ord, c.purpose, c.channels, cp.ev as on_contact_point, cu.ev as on_customer
         from campaign c
         cross join r
         left join lateral (
           select ${COVERING_EVENT} as ev
             from consent_event e
            where e.channel_group = $2
              and e.address = any(case when r.address is not null then array[r.address]
                    else array(select p.address from contact_point p
                                where p.customer_id = r.customer_id and p.channel_group = $2) end)
              and (e.campaign_id is null or e.campaign_id = c.id)
              and ($5::timestamptz is null or e.recorded_at <= $5)
            order by ${NEWEST_FIRST} limit 1
         ) cp on true
         left join lateral (
           select ${COVERING_EVENT} as ev
             from consent_event e
            where e.channel_group = $2
              and e.address is null
              and e.customer_id = any(array_remove(array[r.customer_id], null) || case when r.address is null then '{}'::text[]
                    else array(select p.customer_id from contact_point p
                                where p.channel_group = $2 and p.address = r.address)::text[] end)
              and (e.campaign_id is null or e.campaign_id = c.id)
              and ($5::timestamptz is null or e.recorded_at <= $5)
            order by ${NEWEST_FIRST} limit 1
         ) cu on true
        where c.id = $1
        order by r.ord`,
      [q.campaignId, q.channelGroup, q.recipients.map((r) => r.customerId), q.recipients.map((r) => r.address), q.at],
    );
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
    return this.db.query<ConsentEventRow>(
      `select distinct on (e.channel_group, coalesce(e.address, ''), coalesce(e.campaign_id, '')) ${COLUMNS.replace(/(\w+)/g, 'e.$1')}
         from consent_event e
        where ((e.channel_group, e.address) in (select * from unnest($1::text[], $2::text[]))
               or e.customer_id = any($3::text[]))
          and ($4::text is null or e.channel_group = $4)
        order by e.channel_group, coalesce(e.address, ''), coalesce(e.campaign_id, ''), ${NEWEST_FIRST}`,
      [q.contactPoints.map((p) => p.channelGroup), q.contactPoints.map((p) => p.address), q.customerIds, q.channelGroup],
    );
  }

  /** A customer's events and those of their contact points, newest recorded first, keyset-paginated. */
  findHistoryPage(customerId: string, beforeId: string | null, limit: number): Promise<ConsentEventRow[]> {
    return this.db.query<ConsentEventRow>(
      `select ${COLUMNS} from (
         select ${COLUMNS.replace(/(\w+)/g, 'e.$1')} from consent_event e
          where e.customer_id = $1 and ($2::bigint is null or e.id < $2)
         union
         select ${COLUMNS.replace(/(\w+)/g, 'e.$1')} from consent_event e
           join contact_point p on p.customer_id = $1 and e.channel_group = p.channel_group and e.address = p.address
          where $2::bigint is null or e.id < $2
       ) h
       order by id desc limit $3`,
      [customerId, beforeId, limit],
    );
  }
}
