import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';

export const SYSTEM_EVENT_TYPES = ['api_key.created', 'api_key.revoked', 'customer.erased', 'audit.exported', 'audit.read', 'audit.verified', 'history.read'] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/**
 * Records what the service does besides consent, into the same sealed ledger: API key
 * changes, erasures, and every read of history or audit data (who, when, which filter).
 * Joins the caller's transaction when there is one, so the record commits with the change.
 * Subjects and filters never hold a raw customer id or address (see Pseudonyms).
 */
@Injectable()
export class SystemEvents {
  constructor(private readonly db: Db) {}

  async record(type: SystemEventType, actor: string, subject: string | null, details: Record<string, unknown>): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      `insert into system_event (type, actor, subject, details) values ($1, $2, $3, $4) returning id::text`,
      [type, actor, subject, details],
    );
    return row.id;
  }
}
