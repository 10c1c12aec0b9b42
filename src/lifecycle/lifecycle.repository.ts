import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';
import { CLARIFICATION_ANSWER, CLARIFICATION_RESOLUTION } from '../events/consent-events.repository';

const ISO = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The event a sweep records for one lifecycle row: who, on which channel, as the basis event had it. */
const RECORD_FOR = (action: string, occurredAt: string, evidence: string) => `
  insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence, occurred_at, recorded_by)
  select b.customer_id, b.channel, d.channel_group, b.address, d.campaign_id, '${action}', 'system',
         jsonb_build_object('basisEventId', d.event_id::text, ${evidence}), ${occurredAt}, 'job:lifecycle'
    from due d join consent_event b on b.id = d.event_id`;

/**
 * Rows of one campaign in one state, claimed so that concurrent sweeps on other replicas skip
 * them. Each condition pairs a bound on given_at alone (so the index range is used: month
 * arithmetic is not invertible, hence a few days of slack) with the exact test.
 */
const SLACK = "interval '4 days'";
const CLAIM = (condition: string) => `
  select l.channel_group, l.subject, l.campaign_id, l.event_id, l.given_at from consent_lifecycle l
   where l.campaign_id = $1 and ${condition}
   order by l.given_at limit $3
   for update skip locked`;

/**
 * The lifecycle sweep's statements. Each handles at most one batch and is atomic on its own
 * (one statement, autocommit): a crash loses nothing and repeats nothing, and two replicas
 * never take the same row (FOR UPDATE SKIP LOCKED). Recording an event moves the row on
 * through the consent_event trigger, so that it is not taken again. Durations are ISO 8601
 * text cast to interval; connections use UTC, as the decision arithmetic does.
 */
@Injectable()
export class LifecycleRepository {
  constructor(private readonly db: Db) {}

  /** Opt-ins past their due date and not yet lapsed: a `reconfirmation_requested` each, once per period. */
  @GenerateSql({ params: ['spring-promo', 'P180D', 'P14D', new Date('2026-03-01T12:00:00.000Z'), 1000] })
  async requestReconfirmations(campaignId: string, every: string, grace: string, now: Date, batch: number): Promise<number> {
    const rows = await this.db.query(
      `with due as materialized (${CLAIM(`l.action in ('opt_in', 'renewed') and l.requested_at is null
              and l.given_at <= $2::timestamptz - $4::interval + ${SLACK}
              and l.given_at + $4::interval <= $2 and l.given_at + $4::interval + $5::interval > $2`)}
       ), marked as (
         update consent_lifecycle l set requested_at = $2 from due d
          where l.channel_group = d.channel_group and l.subject = d.subject and l.campaign_id = d.campaign_id
       )
       ${RECORD_FOR('reconfirmation_requested', '$2', `'dueAt', ${ISO('d.given_at + $4::interval')}, 'lapsesAt', ${ISO('d.given_at + $4::interval + $5::interval')}`)}
       returning id`,
      [campaignId, now, batch, every, grace],
    );
    return rows.length;
  }

  /** Opt-ins whose grace ended before their TTL (if any) did: `lapsed`, at the instant they lapsed. */
  @GenerateSql({ params: ['spring-promo', 'P180D', 'P14D', null, new Date('2026-03-01T12:00:00.000Z'), 1000] })
  async lapse(campaignId: string, every: string, grace: string, ttl: string | null, now: Date, batch: number): Promise<number> {
    const end = 'l.given_at + $4::interval + $5::interval';
    const rows = await this.db.query(
      `with due as materialized (${CLAIM(`l.action in ('opt_in', 'renewed') and ${end} <= $2
              and l.given_at <= $2::timestamptz - $4::interval - $5::interval + ${SLACK}
              and ($6::interval is null or ${end} <= l.given_at + $6::interval)`)})
       ${RECORD_FOR('lapsed', 'd.given_at + $4::interval + $5::interval', `'dueAt', ${ISO('d.given_at + $4::interval')}`)}
       returning id`,
      [campaignId, now, batch, every, grace, ttl],
    );
    return rows.length;
  }

  /** Opt-ins past their TTL before any lapse: `expired`, at the instant they expired. */
  @GenerateSql({ params: ['spring-promo', 'P2Y', null, 'PT0S', new Date('2026-03-01T12:00:00.000Z'), 1000] })
  async expire(campaignId: string, ttl: string, every: string | null, grace: string, now: Date, batch: number): Promise<number> {
    const end = 'l.given_at + $4::interval';
    const rows = await this.db.query(
      `with due as materialized (${CLAIM(`l.action in ('opt_in', 'renewed') and ${end} <= $2
              and l.given_at <= $2::timestamptz - $4::interval + ${SLACK}
              and ($5::interval is null or ${end} < l.given_at + $5::interval + $6::interval)`)})
       ${RECORD_FOR('expired', 'd.given_at + $4::interval', `'ttl', $4::text`)}
       returning id`,
      [campaignId, now, batch, ttl, every, grace],
    );
    return rows.length;
  }

  /** Double opt-ins left unconfirmed for `after`: `confirmation_expired`, at the instant they expired. */
  @GenerateSql({ params: ['spring-promo', 'P30D', new Date('2026-03-01T12:00:00.000Z'), 1000] })
  async expirePending(campaignId: string, after: string, now: Date, batch: number): Promise<number> {
    const rows = await this.db.query(
      `with due as materialized (${CLAIM(`l.action = 'pending_confirmation' and l.given_at <= $2::timestamptz - $4::interval + ${SLACK}
              and l.given_at + $4::interval <= $2`)})
       ${RECORD_FOR('confirmation_expired', 'd.given_at + $4::interval', `'after', $4::text`)}
       returning id`,
      [campaignId, now, batch, after],
    );
    return rows.length;
  }

  /** Campaigns that have consents waiting for double opt-in confirmation (whatever their policy now). */
  @GenerateSql({ params: [] })
  async campaignsWithPending(): Promise<string[]> {
    const rows = await this.db.query<{ campaign_id: string }>(
      `select c.id as campaign_id from campaign c
        where exists (select 1 from consent_lifecycle l where l.campaign_id = c.id and l.action = 'pending_confirmation')`,
    );
    return rows.map((r) => r.campaign_id);
  }

  /**
   * Clarifications whose hold ended by `now` with neither an answer nor a resolution: a
   * `clarification_expired` each, at the instant the hold ended. Once per review, whichever
   * replica gets there first (the unique index on the action and the review). Holds that ended
   * within the last 30 days only, so that a sweep reads what is recent, not every review ever
   * filed (decisions do not need this event: they read the hold's end from the clarification).
   */
  @GenerateSql({ params: [new Date('2026-03-01T12:00:00.000Z'), 1000] })
  async expireClarifications(now: Date, batch: number): Promise<number> {
    const rows = await this.db.query(
      `insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, evidence, language, occurred_at, recorded_by)
       select q.customer_id, q.channel, q.channel_group, q.address, null, 'clarification_expired', 'system',
              jsonb_build_object('reviewId', q.id::text), q.language, q.expires_at, 'job:lifecycle'
         from consent_event q
        where q.action = 'clarification_requested' and q.expires_at <= $1 and q.expires_at > $1::timestamptz - interval '30 days'
          and not exists (select 1 from consent_event x where x.action = 'clarification_expired' and x.evidence->>'reviewId' = q.id::text)
          and not exists (${CLARIFICATION_ANSWER('q')})
          and not exists (${CLARIFICATION_RESOLUTION('q')})
        order by q.expires_at limit $2
       on conflict (action, (evidence->>'reviewId')) where action in ('clarification_resolved', 'clarification_expired') do nothing
       returning id`,
      [now, batch],
    );
    return rows.length;
  }
}
