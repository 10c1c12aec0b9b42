import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('customer')
export class CustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  /** IANA time zone name, used for quiet hours. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  /** BCP 47 language tag. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  locale: string | null;

  /** ISO 3166-2 region (US-TX): which state's law applies. */
  @Column({ type: 'varchar', length: 6, nullable: true })
  region: string | null;

  /** When the customer last bought from the brand (Oregon's cap exempts recent buyers). */
  @Column({ name: 'last_purchase_at', type: 'timestamptz', nullable: true })
  lastPurchaseAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
