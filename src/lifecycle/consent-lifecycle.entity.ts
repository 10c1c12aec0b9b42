import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Where each campaign-scoped consent stands, one row per (channel group, subject, campaign),
 * kept by a trigger on consent_event in the same transaction as every event: the sweeps read
 * it to find consents falling due, lapsing or expiring without scanning the ledger.
 * `action` is the newest consent-state event on that scope, or `superseded` when a newer
 * channel-wide or customer-level event took over (the campaign's policy no longer applies).
 */
@Entity('consent_lifecycle')
@Index('consent_lifecycle_due_idx', ['campaignId', 'action', 'givenAt'])
// Consents whose re-confirmation is still to request: requested ones leave the index, so a
// sweep never walks past them again.
@Index('consent_lifecycle_request_idx', ['campaignId', 'givenAt'], { where: "requested_at IS NULL AND action IN ('opt_in', 'renewed')" })
export class ConsentLifecycleEntity {
  @PrimaryColumn({ name: 'channel_group', type: 'varchar', length: 16 })
  channelGroup: string;

  /** `a:<address>` for a contact point, `c:<customerId>` for a customer-level consent. */
  @PrimaryColumn({ type: 'varchar', length: 600 })
  subject: string;

  @PrimaryColumn({ name: 'campaign_id', type: 'varchar', length: 64 })
  campaignId: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  address: string | null;

  @Column({ name: 'customer_id', type: 'varchar', length: 128, nullable: true })
  customerId: string | null;

  @Column({ name: 'event_id', type: 'bigint' })
  eventId: string;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  /** occurred_at of that event: when consent was given, renewed, or ended. */
  @Column({ name: 'given_at', type: 'timestamptz' })
  givenAt: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  /** Set when the re-confirmation of this period was requested; cleared by a new opt-in or renewal. */
  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt: Date | null;
}
