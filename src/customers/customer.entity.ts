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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
