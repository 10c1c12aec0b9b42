import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';
import { CLARIFICATION_ANSWER, CLARIFICATION_RESOLUTION, ConsentEventRow, EVENT_COLUMNS } from '../events/consent-events.repository';

export const REVIEW_STATUSES = ['open', 'answered', 'resolved', 'expired'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** A clarification asked (the review), with what became of it. */
export interface ReviewRow {
  id: string;
  channel: string;
  channel_group: string;
  address: string;
  customer_id: string | null;
  text: string | null;
  matched: string | null;
  /** The brand sender written to. */
  sender: string | null;
  language: string | null;
  received_at: Date;
  hold_until: Date;
  recorded_by: string;
  status: ReviewStatus;
  answer_id: string | null;
  answer_action: string | null;
  answered_at: Date | null;
  resolution_id: string | null;
  outcome: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
}

/**
 * Reviews with what became of them, newest first. Walked through the review queue's index
 * (clarifications by id), each row's status computed as it goes, so that a page stops after
 * `limit` matches instead of reading every review ever filed; open ones only (the usual ask)
 * also skip every hold already over.
 */
const REVIEWS = (where: string, tail = '') => `
  select q.id::text, q.channel, q.channel_group, q.address, q.customer_id, q.evidence->>'text' as text, q.evidence->>'matched' as matched,
         q.evidence->>'sender' as sender, q.language, q.occurred_at as received_at, q.expires_at as hold_until, q.recorded_by,
         s.status, a.id::text as answer_id, a.action as answer_action, a.occurred_at as answered_at,
         r.id::text as resolution_id, r.outcome, r.recorded_by as resolved_by, r.recorded_at as resolved_at
    from consent_event q
    left join lateral (${CLARIFICATION_ANSWER('q')}) a on true
    left join lateral (${CLARIFICATION_RESOLUTION('q')}) r on true
    cross join lateral (
      select case when r.id is not null then 'resolved' when a.id is not null then 'answered' when q.expires_at <= now() then 'expired' else 'open' end as status
    ) s
   where q.action = 'clarification_requested' and ${where}
   ${tail}`;

@Injectable()
export class ReviewsRepository {
  constructor(private readonly db: Db) {}

  /** Reviews newest first, after `cursor` (a review id), in the statuses asked for; one more than `limit` tells there is a next page. */
  @GenerateSql({ params: [['open'], null, 50] })
  async list(statuses: readonly ReviewStatus[], cursor: string | null, limit: number): Promise<ReviewRow[]> {
    return this.db.query<ReviewRow>(
      REVIEWS(
        `($2::bigint is null or q.id < $2::bigint) and s.status = any($1::text[])
     and (not ($1::text[] <@ array['open']) or q.expires_at > now())`,
        'order by q.id desc limit $3 + 1',
      ),
      [statuses, cursor, limit],
    );
  }

  @GenerateSql({ params: ['101'] })
  async find(id: string): Promise<ReviewRow | null> {
    const rows = await this.db.query<ReviewRow>(REVIEWS('q.id = $1::bigint'), [id]);
    return rows[0] ?? null;
  }

  /**
   * Staff's reading of review `id`, in one statement: a `clarification_resolved` event, and for
   * `opt_out` the opt-outs the reply would have written had it been read so (the sender's
   * campaigns, or the channel), dated when the customer wrote, so that a later START of theirs
   * still wins. The unique index on the review named makes a second resolution write nothing:
   * `null` then, as when there is no such review.
   */
  @GenerateSql({ params: ['101', 'opt_out', 'api_key:6b1f3c2e'] })
  async resolve(id: string, outcome: 'opt_out' | 'not_opt_out', recordedBy: string): Promise<ConsentEventRow[] | null> {
    const rows = await this.db.query<ConsentEventRow>(
      `with q as (
         select * from consent_event where id = $1::bigint and action = 'clarification_requested'
       ), resolution as (
         insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence, language, occurred_at, recorded_by)
         select q.customer_id, q.channel, q.channel_group, q.address, null, 'clarification_resolved', 'review',
                jsonb_build_object('reviewId', q.id::text, 'outcome', $2::text), q.language, now(), $3
           from q
         on conflict (action, (evidence->>'reviewId')) where action in ('clarification_resolved', 'clarification_expired') do nothing
         returning ${EVENT_COLUMNS}
       ), opt_outs as (
         insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence, language, occurred_at, recorded_by)
         select q.customer_id, q.channel, q.channel_group, q.address, s.campaign_id, 'opt_out', 'review',
                jsonb_build_object('reviewId', q.id::text, 'resolutionId', (select id::text from resolution),
                                   'messageId', q.evidence->'messageId', 'provider', q.evidence->'provider', 'sender', q.evidence->'sender'),
                q.language, q.occurred_at, $3
           from q cross join lateral jsonb_array_elements_text(coalesce(q.evidence->'optOutScope', '[null]'::jsonb)) with ordinality as s(campaign_id, ord)
          where $2::text = 'opt_out' and exists (select 1 from resolution)
          order by s.ord
         returning ${EVENT_COLUMNS}
       )
       select * from resolution
       union all
       (select * from opt_outs order by id)`,
      [id, outcome, recordedBy],
    );
    return rows.length ? rows : null;
  }
}
