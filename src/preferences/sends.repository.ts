import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';
/** A message as frequency caps count it. */
export interface SentMessage {
  sentAt: Date;
  campaignId: string;
  purpose: string;
}

export interface SendRow {
  id: string;
  message_id: string | null;
  decision_id: string | null;
  kind: string;
  customer_id: string | null;
  channel: string;
  address: string | null;
  campaign_id: string;
  sent_at: Date;
  recorded_at: Date;
}

/** A reservation not followed by its send within this stops counting. */
const RESERVATION_TTL = "interval '1 hour'";
const COLUMNS = 'id, message_id, decision_id, kind, customer_id, channel, address, campaign_id, sent_at, recorded_at';

export interface CapKey {
  /** The recipient, as caps count: the customer when known, else the contact point. */
  customerId: string | null;
  address: string | null;
}

@Injectable()
export class SendsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Messages counted by caps for each recipient, sent after `from` and by `to` (live
   * reservations included): one statement whatever the number of recipients, each side on its
   * index (by customer, by contact point).
   */
  @GenerateSql({
    params: [
      [
        { customerId: 'cus_42', address: null },
        { customerId: null, address: '+14155550100' },
      ],
      'sms',
      new Date('2026-02-28T12:00:00.000Z'),
      new Date('2026-03-01T12:00:00.000Z'),
    ],
  })
  async recent(keys: CapKey[], channelGroup: string, from: Date, to: Date): Promise<Map<number, SentMessage[]>> {
    const rows = await this.db.query<{ ord: number; sent_at: Date; campaign_id: string; purpose: string }>(
      `with k as (select * from unnest($1::text[], $2::text[]) with ordinality as k(customer_id, address, ord))
       select k.ord::int, s.sent_at, s.campaign_id, s.purpose from k join send s on s.customer_id = k.customer_id
        where k.customer_id is not null and s.sent_at > $4 and s.sent_at <= $5 and (s.kind = 'sent' or s.recorded_at > $5::timestamptz - ${RESERVATION_TTL})
       union all
       select k.ord::int, s.sent_at, s.campaign_id, s.purpose from k join send s on s.channel_group = $3 and s.address = k.address
        where k.customer_id is null and s.sent_at > $4 and s.sent_at <= $5 and (s.kind = 'sent' or s.recorded_at > $5::timestamptz - ${RESERVATION_TTL})`,
      [keys.map((k) => k.customerId), keys.map((k) => k.address), channelGroup, from, to],
    );
    const out = new Map<number, SentMessage[]>();
    for (const r of rows) {
      const list = out.get(r.ord - 1) ?? [];
      list.push({ sentAt: r.sent_at, campaignId: r.campaign_id, purpose: r.purpose });
      out.set(r.ord - 1, list);
    }
    return out;
  }

  /** Serialises reservations for one recipient (two senders asking at once). Inside a transaction. */
  @GenerateSql({ params: [{ customerId: 'cus_42', address: null }, 'sms'] })
  async lockRecipient(key: CapKey, channelGroup: string): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock(hashtextextended($1, 13))`, [
      key.customerId ? `c:${key.customerId}` : `a:${channelGroup}:${key.address}`,
    ]);
  }

  @GenerateSql({
    params: [
      {
        decisionId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        customerId: 'cus_42',
        channel: 'sms',
        channelGroup: 'sms',
        address: '+14155550100',
        campaignId: 'spring-promo',
        purpose: 'marketing',
        at: new Date('2026-03-01T12:00:00.000Z'),
        recordedBy: 'api_key:6b1f3c2e',
      },
    ],
  })
  async reserve(s: {
    decisionId: string;
    customerId: string | null;
    channel: string;
    channelGroup: string;
    address: string | null;
    campaignId: string;
    purpose: string;
    at: Date;
    recordedBy: string;
  }): Promise<void> {
    await this.db.query(
      `insert into send (decision_id, kind, customer_id, channel, channel_group, address, campaign_id, purpose, sent_at, recorded_by)
       values ($1, 'reserved', $2, $3, $4, $5, $6, $7, $8, $9)`,
      [s.decisionId, s.customerId, s.channel, s.channelGroup, s.address, s.campaignId, s.purpose, s.at, s.recordedBy],
    );
  }

  /**
   * Records a send once per message id: the reservation of its decision becomes it, if there
   * is one; a repeated message id changes nothing. Returns the row and whether it is new.
   */
  @GenerateSql({
    params: [
      {
        messageId: 'msg-1',
        decisionId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        customerId: 'cus_42',
        channel: 'sms',
        channelGroup: 'sms',
        address: '+14155550100',
        campaignId: 'spring-promo',
        purpose: 'marketing',
        sentAt: new Date('2026-03-01T12:00:00.000Z'),
        recordedBy: 'api_key:6b1f3c2e',
      },
    ],
    results: [[], [], []],
  })
  async record(s: {
    messageId: string;
    decisionId: string | null;
    customerId: string | null;
    channel: string;
    channelGroup: string;
    address: string | null;
    campaignId: string;
    purpose: string;
    sentAt: Date;
    recordedBy: string;
  }): Promise<{ row: SendRow; created: boolean }> {
    const existing = await this.db.query<SendRow>(`select ${COLUMNS} from send where message_id = $1`, [s.messageId]);
    if (existing.length) return { row: existing[0], created: false };
    const converted = s.decisionId
      ? await this.db.query<SendRow>(
          `update send set kind = 'sent', message_id = $2, sent_at = $3, customer_id = coalesce($4, customer_id), address = coalesce($5, address)
            where decision_id = $1 and kind = 'reserved' returning ${COLUMNS}`,
          [s.decisionId, s.messageId, s.sentAt, s.customerId, s.address],
        )
      : [];
    if (converted.length) return { row: converted[0], created: true };
    const rows = await this.db.query<SendRow>(
      `insert into send (message_id, decision_id, kind, customer_id, channel, channel_group, address, campaign_id, purpose, sent_at, recorded_by)
       values ($1, $2, 'sent', $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict do nothing returning ${COLUMNS}`,
      [s.messageId, s.decisionId, s.customerId, s.channel, s.channelGroup, s.address, s.campaignId, s.purpose, s.sentAt, s.recordedBy],
    );
    if (rows.length) return { row: rows[0], created: true };
    // A concurrent request recorded it first.
    return { row: (await this.db.query<SendRow>(`select ${COLUMNS} from send where message_id = $1`, [s.messageId]))[0], created: false };
  }
}
