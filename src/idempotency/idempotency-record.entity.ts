import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first response to a POST carrying an Idempotency-Key, replayed for retries. */
@Entity('idempotency_record')
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  principal: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ name: 'status_code', type: 'int' })
  statusCode: number;

  @Column({ type: 'jsonb', nullable: true })
  response: unknown;

  @Index('idempotency_record_created_at_idx')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
