import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from './customer.entity';

/** A channel plus a normalised address, owned by at most one customer. */
@Entity('contact_point')
@Index('contact_point_group_address_idx', ['channelGroup', 'address'])
@Index('contact_point_customer_idx', ['customerId', 'channelGroup'])
export class ContactPointEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  channel: string;

  @PrimaryColumn({ type: 'varchar', length: 512 })
  address: string;

  @Column({ name: 'channel_group', type: 'varchar', length: 16 })
  channelGroup: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 128 })
  customerId: string;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: CustomerEntity;

  /** When the address was suppressed (an erased customer's), if it was: set when the contact point is created. */
  @Column({ name: 'suppressed_at', type: 'timestamptz', nullable: true })
  suppressedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
