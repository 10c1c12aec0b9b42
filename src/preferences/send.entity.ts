import { RecipientColumns } from '../common/recipient-columns';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CampaignEntity } from '../campaigns/campaign.entity';

/**
 * A message sent, as its sender reported it (POST /v1/sends), or held for one by a decision
 * made with `reserve: true`: what frequency caps count.
 */
@Entity('send')
@Index('send_customer_idx', ['customerId', 'sentAt'], { where: 'customer_id IS NOT NULL' })
@Index('send_address_idx', ['channelGroup', 'address', 'sentAt'], { where: 'address IS NOT NULL' })
export class SendEntity extends RecipientColumns {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_send' })
  id: string;

  /** The provider's message id: a send is recorded once. Null for a reservation not yet sent. */
  @Index('send_message_id_key', { unique: true })
  @Column({ name: 'message_id', type: 'varchar', length: 128, nullable: true })
  messageId: string | null;

  @Index('send_decision_id_key', { unique: true })
  @Column({ name: 'decision_id', type: 'uuid', nullable: true })
  decisionId: string | null;

  /** `sent`, or `reserved` (by a decision; counts until sent or until it expires). */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 64 })
  campaignId: string;

  @ManyToOne(() => CampaignEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'FK_send_campaign' })
  campaign?: CampaignEntity;

  @Column({ type: 'varchar', length: 20 })
  purpose: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy: string;
}
