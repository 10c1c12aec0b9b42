import { Injectable } from '@nestjs/common';
import { CONSENT_ACTIONS_SQL, ConsentEventRow, EVENT_COLUMNS } from '../events/consent-events.repository';
import { Db } from '../database/db';
import type { SenderSettings } from './senders.repository';
import { GenerateSql } from '../database/generate-sql';
import { NEWER, NEWEST_FIRST } from '../database/newest-first';

/** What inbound_message.result holds: the answer, with the events it wrote by id. */
export interface StoredInboundResult {
  intent: string;
  matched: string;
  reply: string | null;
  eventIds: string[];
}

/**
 * A message id seen before: with its content hash, or (its sender erased since) a keyed hash
 * of it, `request_ref`.
 */
export interface PreviousInbound {
  request_hash: string | null;
  request_ref: string | null;
  result: StoredInboundResult;
}

/** A sender's settings as read at one version (the row's xmin; `none` when there is no row). */
export interface VersionedSender {
  version: string;
  settings: SenderSettings | null;
}

/** The events one inbound message writes: the same fields, one event per campaign id (null: the channel). */
export interface InboundEvents {
  campaignIds: (string | null)[];
  channelGroup: string;
  action: string;
  source: string;
  evidence: Record<string, unknown>;
  language: string | null;
  expiresAt: Date | null;
}

export interface InboundRecord {
  provider: string;
  messageId: string;
  channel: string;
  from: string;
  to: string;
  body: string;
  receivedAt: Date;
  requestHash: string;
  /** Keyed hash of provider and message id: a message whose sender was erased is still a duplicate. */
  messageRef: string;
  intent: string;
  matched: string;
  recordedBy: string;
  /** The sender settings the message was read with: nothing is written if they changed since. */
  senderVersion: string;
  events: InboundEvents;
  /**
   * The reply, sent only when the contact point's consent changes: when every target already
   * stands where `action` puts it, the answer has no reply (one confirmation per change).
   */
  reply: string | null;
  replyOnlyIfChanged: boolean;
  /**
   * A sender-scoped opt-out before REVOKE_ALL_FROM: when the contact point stands opted in to
   * campaigns outside `events.campaignIds`, `reply` becomes this one (which offers to stop them
   * all), and the events' evidence records the offer and until when an answer counts.
   */
  askAll: { reply: string; until: Date } | null;
}

/**
 * One inbound message is one statement, with no explicit transaction: it stores the message
 * and its events together (a single statement is atomic). The message's primary key makes it
 * happen once: a concurrent retry waits on the key, finds it taken, and writes nothing. The
 * sender's settings come from a cache checked against the row's version in that statement.
 */

const EXAMPLE_INBOUND: InboundRecord = {
  provider: 'twilio',
  messageId: 'SM0123456789abcdef0123456789abcdef',
  channel: 'sms',
  from: '+14155550100',
  to: '+14155550199',
  body: 'STOP please',
  receivedAt: new Date('2026-03-01T12:00:00.000Z'),
  requestHash: 'e3b0c442',
  messageRef: 'f00d',
  intent: 'opt_out',
  matched: 'keyword.en.stop',
  recordedBy: 'provider:twilio',
  senderVersion: '4711',
  events: {
    campaignIds: ['spring-promo'],
    channelGroup: 'sms',
    action: 'opt_out',
    source: 'keyword',
    evidence: { provider: 'twilio', messageId: 'SM0123', text: 'STOP please' },
    language: 'en',
    expiresAt: null,
  },
  reply: 'You have been unsubscribed and will receive no more messages from ACME. Reply START to resubscribe.',
  replyOnlyIfChanged: true,
  askAll: {
    reply: 'You will receive no more of these messages from ACME. Reply START to resubscribe. Reply ALL to stop every message from ACME.',
    until: new Date('2026-03-02T12:00:00.000Z'),
  },
};

@Injectable()
export class InboundRepository {
  constructor(private readonly db: Db) {}

  @GenerateSql({ params: ['+14155550199'] })
  async findSender(address: string): Promise<VersionedSender> {
    const rows = await this.db.query<SenderSettings & { version: string }>(
      `select xmin::text as version, campaign_ids, keywords, replies, language from sender where address = $1`,
      [address],
      'inbound-sender',
    );
    if (!rows.length) return { version: 'none', settings: null };
    const { version, ...settings } = rows[0];
    return { version, settings };
  }

  /**
   * Whether the newest reply of the contact point read as a keyword was a partial opt-out whose
   * offer to stop every message still stands at `at` (InboundRecord.askAll).
   */
  @GenerateSql({ params: ['sms', '+14155550100', new Date('2026-03-01T12:05:00.000Z')] })
  async offeredToStopAll(channelGroup: string, address: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<{ offered: boolean }>(
      `select coalesce((select e.action = 'opt_out' and (e.evidence->>'askAllUntil')::timestamptz > $3 from consent_event e
                          where e.channel_group = $1 and e.address = $2 and e.source = 'keyword' and e.occurred_at <= $3
                          order by ${NEWEST_FIRST('e')} limit 1), false) as offered`,
      [channelGroup, address, at],
    );
    return rows[0].offered;
  }

  @GenerateSql({ params: ['twilio', 'SM0123456789abcdef0123456789abcdef', 'f00d'] })
  async findPrevious(provider: string, messageId: string, messageRef: string): Promise<PreviousInbound | null> {
    const rows = await this.db.query<PreviousInbound>(
      `select request_hash, null as request_ref, result from inbound_message where provider = $1 and message_id = $2
       union all
       select null, request_ref, result from inbound_message_erased where message_ref = $3
       limit 1`,
      [provider, messageId, messageRef],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores the message with its answer and writes its events; or nothing at all when the
   * message id is already taken (`duplicate`) or the sender's settings changed since they were
   * read (`stale`); a message id whose sender was erased is a duplicate too. The event's customer is the number's owner when it has exactly one; an
   * opt-in where the contact point is already opted in is recorded as `renewed`.
   * `already` is read in the same snapshot as the writes:
   * whether, before this message, the contact point stood where `action` puts it for every
   * target (an event with that action on the scope that no later opposite event overrides).
   */
  @GenerateSql({ params: [EXAMPLE_INBOUND] })
  async record(r: InboundRecord): Promise<{ result: StoredInboundResult; events: ConsentEventRow[] } | 'duplicate' | 'stale'> {
    const e = r.events;
    const rows = await this.db.query<ConsentEventRow & { stored: StoredInboundResult | null; stale: boolean }>(
      `with stale as (
         select coalesce((select xmin::text from sender where address = $5), 'none') <> $12 as v
       ), targets as (
         select t.id, t.ord, $20::boolean and exists (
           select 1 from consent_event c
            where c.channel_group = $13 and c.address = $4 and c.action = any($22::text[])
              and (c.campaign_id is null or c.campaign_id = t.id)
              and not exists (
                select 1 from consent_event o
                 where o.channel_group = $13 and o.address = $4 and o.action in ${CONSENT_ACTIONS_SQL} and o.action <> all($22::text[])
                   and (t.id is null or o.campaign_id is null or o.campaign_id = t.id)
                   and ${NEWER('o', 'c')})) as already
           from unnest($11::text[]) with ordinality as t(id, ord)
       ), already as (
         select coalesce(bool_and(already), false) as v from targets
       ), others as (
         -- Campaigns outside the targets that the contact point stands opted in to.
         select $24::text is not null and exists (
           select 1 from consent_event c
            where c.channel_group = $13 and c.address = $4 and c.action in ('opt_in', 'renewed')
              and c.campaign_id is not null and c.campaign_id <> all($11::text[])
              and not exists (
                select 1 from consent_event o
                 where o.channel_group = $13 and o.address = $4 and o.action in ${CONSENT_ACTIONS_SQL}
                   and (o.campaign_id is null or o.campaign_id = c.campaign_id) and ${NEWER('o', 'c')})) as v
       ), ids as (
         select nextval('consent_event_id_seq') as id, ord from targets
       ), message as (
         insert into inbound_message (provider, message_id, channel, from_address, to_address, body, received_at, request_hash, result)
         select $1, $2, $3, $4, $5, $6, $7, $8, jsonb_build_object(
                  'intent', $9::text, 'matched', $10::text,
                  'reply', case when (select v from already) then null when (select v from others) then $24::text else $19::text end,
                  'eventIds', coalesce((select jsonb_agg(id::text order by ord) from ids), '[]'::jsonb))
          where not (select v from stale)
            and not exists (select 1 from inbound_message_erased where message_ref = $23)
         on conflict (provider, message_id) do nothing
         returning result
       ), events as (
         insert into consent_event (id, customer_id, channel, channel_group, address, campaign_id, action, source, evidence,
                                    language, occurred_at, recorded_by, expires_at)
         select ids.id,
                (select min(p.customer_id) from contact_point p where p.channel_group = $13 and p.address = $4
                 having count(distinct p.customer_id) = 1),
                $3, $13, $4, t.id,
                -- Opting in where already opted in renews (its re-confirmation clock restarts).
                case when $14 = 'opt_in' and t.already then 'renewed' else $14 end,
                $15,
                case when (select v from others) then $16::jsonb || jsonb_build_object('askedAll', true, 'askAllUntil', $25::text) else $16::jsonb end,
                $17, $7, $18, $21
           from ids join targets t using (ord)
          where exists (select 1 from message)
         returning ${EVENT_COLUMNS}
       )
       select (select v from stale) as stale, m.result as stored, e.*
         from (select 1) as one left join message m on true left join events e on m.result is not null
        order by e.id`,
      [
        r.provider,
        r.messageId,
        r.channel,
        r.from,
        r.to,
        r.body,
        r.receivedAt,
        r.requestHash,
        r.intent,
        r.matched,
        e.campaignIds,
        r.senderVersion,
        e.channelGroup,
        e.action,
        e.source,
        e.evidence,
        e.language,
        r.recordedBy,
        r.reply,
        r.replyOnlyIfChanged,
        e.expiresAt,
        e.action === 'opt_in' ? ['opt_in', 'renewed'] : [e.action],
        r.messageRef,
        r.askAll?.reply ?? null,
        r.askAll?.until.toISOString() ?? null,
      ],
      'inbound-record',
    );
    const [first] = rows;
    if (first.stale) return 'stale';
    if (!first.stored) return 'duplicate';
    return { result: first.stored, events: first.id === null ? [] : rows.map(({ stored: _stored, stale: _stale, ...event }) => event) };
  }
}
