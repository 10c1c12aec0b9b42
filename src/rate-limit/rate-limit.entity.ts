import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Requests per API key per fixed window, summed over replicas (src/rate-limit): each replica
 * adds what it counted since its last flush and reads back the total.
 */
@Entity('rate_limit_window')
export class RateLimitWindowEntity {
  @PrimaryColumn({ type: 'varchar', length: 240, primaryKeyConstraintName: 'PK_rate_limit_window' })
  key: string;

  /** Start of the window, epoch milliseconds. */
  @PrimaryColumn({ name: 'window_start', type: 'bigint', primaryKeyConstraintName: 'PK_rate_limit_window' })
  windowStart: string;

  @Column({ type: 'integer' })
  hits: number;
}
