import { RecipientColumns } from '../common/recipient-columns';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CampaignEntity } from '../campaigns/campaign.entity';

/**
 * One immutable consent fact (docs/domain.md §8). Rows are only ever inserted: a trigger
 * rejects UPDATE, DELETE and TRUNCATE. The id orders events as they were recorded.
 */
@Entity('consent_event')
// (channel_group, address, occurred_at, recorded_at, id) INCLUDE (action, campaign_id) WHERE
// address IS NOT NULL: decisions read only the index (no heap visit). TypeORM cannot describe
// INCLUDE, so the migration owns this index and TypeORM leaves it alone.
@Index('consent_event_contact_point_idx', { synchronize: false })
// Open service windows of a contact point on a channel (inbound issue): decisions for
// conversational campaigns look for one that has not expired.
@Index('consent_event_window_idx', ['address', 'channel', 'expiresAt'], { where: "action = 'service_window'" })
// Clarifications asked of a contact point (unclear replies): decisions look for one still waiting.
@Index('consent_event_clarification_idx', ['channelGroup', 'address', 'expiresAt'], { where: "action = 'clarification_requested'" })
@Index('consent_event_clarification_expiry_idx', ['expiresAt'], { where: "action = 'clarification_requested'" })
@Index('consent_event_review_queue_idx', ['id'], { where: "action = 'clarification_requested'" })
// A review is resolved once: the unique key is the review in the resolution's evidence, which
// TypeORM cannot describe, so the migration owns this index.
@Index('consent_event_review_resolution_idx', { synchronize: false })
@Index('consent_event_customer_idx', ['customerId', 'channelGroup', 'occurredAt', 'recordedAt', 'id'], {
  where: 'customer_id IS NOT NULL',
})
export class ConsentEventEntity extends RecipientColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Null: the event covers the whole channel. */
  @Column({ name: 'campaign_id', type: 'varchar', length: 64, nullable: true })
  campaignId: string | null;

  @ManyToOne(() => CampaignEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: CampaignEntity;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ type: 'varchar', length: 32 })
  source: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  evidence: Record<string, unknown>;

  @Column({ type: 'varchar', length: 35, nullable: true })
  language: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  jurisdiction: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** When what this event grants ends by itself (a service window); null: it does not. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** Milliseconds, so that the instant the API shows can be replayed exactly with `at`. */
  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', clock_timestamp())" })
  recordedAt: Date;

  /** Who recorded it: `api_key:<id>`, `admin`, a job or a provider webhook. */
  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy: string;
}
