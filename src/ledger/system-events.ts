import { Injectable } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';
import { canonicalJson } from './ledger-encoding';

export const SYSTEM_EVENT_TYPES = [
  'api_key.created',
  'api_key.revoked',
  'customer.erased',
  'audit.exported',
  'audit.read',
  'audit.verified',
  'history.read',
  // Changes that redirect personal data or change what consent means: details are {before, after}.
  'campaign.created',
  'campaign.changed',
  'sender.created',
  'sender.changed',
  'sender.deleted',
  'webhook_endpoint.created',
  'webhook_endpoint.deleted',
] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/**
 * Records what the service does besides consent, into the same sealed ledger: API key
 * changes, erasures, and every read of history or audit data (who, when, which filter).
 * Joins the caller's transaction when there is one, so the record commits with the change.
 * Subjects and filters never hold a raw customer id or address (see Pseudonyms).
 */
@Injectable()
export class SystemEvents {
  constructor(private readonly ledger: LedgerRepository) {}

  /**
   * A configuration change as {before, after} (null for what did not exist), recorded only when
   * something changed: the caller passes what the API shows, without timestamps or secrets.
   */
  async recordChange(type: SystemEventType, actor: string, subject: string, before: object | null, after: object | null): Promise<void> {
    if (before !== null && after !== null && canonicalJson(before) === canonicalJson(after)) return;
    await this.record(type, actor, subject, { before, after });
  }

  async record(type: SystemEventType, actor: string, subject: string | null, details: Record<string, unknown>): Promise<string> {
    return this.ledger.insertSystemEvent(type, actor, subject, details);
  }
}
