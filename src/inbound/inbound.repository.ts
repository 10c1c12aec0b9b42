import { Injectable } from '@nestjs/common';
import { CONSENT_ACTIONS_SQL } from '../consents/consent-events.repository';
import { Db } from '../database/db';

export interface InboundMessageRow {
  request_hash: string;
  result: Record<string, unknown>;
}

@Injectable()
export class InboundRepository {
  constructor(private readonly db: Db) {}

  /** Serialises the processing of one provider message id (providers retry concurrently too). */
  async lock(provider: string, messageId: string): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock(hashtextextended($1, 11))`, [`${provider} ${messageId}`], 'inbound-lock');
  }

  async find(provider: string, messageId: string): Promise<InboundMessageRow | undefined> {
    const rows = await this.db.query<InboundMessageRow>(
      `select request_hash, result from inbound_message where provider = $1 and message_id = $2`,
      [provider, messageId],
      'inbound-find',
    );
    return rows[0];
  }

  async insert(m: {
    provider: string; messageId: string; channel: string; from: string; to: string; body: string; receivedAt: Date; requestHash: string;
    result: Record<string, unknown>;
  }): Promise<void> {
    await this.db.query(
      `insert into inbound_message (provider, message_id, channel, from_address, to_address, body, received_at, request_hash, result)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [m.provider, m.messageId, m.channel, m.from, m.to, m.body, m.receivedAt, m.requestHash, m.result],
      'inbound-insert',
    );
  }

  /**
   * Whether the contact point already stands where `action` would put it for every target
   * (a campaign id, or null for the whole channel): an event with `action` on that scope that
   * no later opposite event covering the target overrides. Decides only whether a
   * confirmation is due (one per change, DOMAIN.md section 4); the event is recorded anyway.
   */
  async alreadyIn(channelGroup: string, address: string, targets: (string | null)[], action: 'opt_in' | 'opt_out'): Promise<boolean> {
    const rows = await this.db.query<{ already: boolean }>(
      `select coalesce(bool_and(exists (
         select 1 from consent_event c
          where c.channel_group = $1 and c.address = $2 and c.action = $4
            and (c.campaign_id is null or c.campaign_id = t.id)
            and not exists (
              select 1 from consent_event o
               where o.channel_group = $1 and o.address = $2 and o.action in ${CONSENT_ACTIONS_SQL} and o.action <> $4
                 and (t.id is null or o.campaign_id is null or o.campaign_id = t.id)
                 and (o.occurred_at, o.recorded_at, o.id) > (c.occurred_at, c.recorded_at, c.id)))), false) as already
         from unnest($3::text[]) as t(id)`,
      [channelGroup, address, targets, action],
      'inbound-already-in',
    );
    return rows[0].already;
  }
}
