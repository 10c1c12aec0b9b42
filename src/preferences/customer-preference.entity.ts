import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';

/** A customer's send-time preferences as they stand (their history is in consent_event). */
@Entity('customer_preference')
export class CustomerPreferenceEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 128, primaryKeyConstraintName: 'PK_customer_preference' })
  customerId: string;

  @OneToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'FK_customer_preference_customer' })
  customer?: CustomerEntity;

  /** Per channel: `{ "sms": { "enabled": false } }`. A channel not named is enabled. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  channels: Record<string, { enabled: boolean }>;

  @Column({ name: 'preferred_channels', type: 'text', array: true, default: () => "'{}'" })
  preferredChannels: string[];

  /** `{ start: "21:00", end: "08:00", days?: [1..7] }` in the customer's time zone. */
  @Column({ name: 'quiet_hours', type: 'jsonb', nullable: true })
  quietHours: { start: string; end: string; days?: number[] } | null;

  /** `{ marketing: { count: 3, per: "P1D" } }`. */
  @Column({ name: 'max_messages', type: 'jsonb', nullable: true })
  maxMessages: Record<string, { count: number; per: string }> | null;

  /** Marketing messages are deferred (reason `paused`) until then. */
  @Column({ name: 'paused_until', type: 'timestamptz', nullable: true })
  pausedUntil: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
