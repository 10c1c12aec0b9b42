import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One audit export: its filter, and once complete the proof a CSV file is verified with. */
@Entity('audit_export')
export class AuditExportEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_audit_export' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  principal: string;

  @Column({ type: 'varchar', length: 8 })
  format: string;

  @Column({ type: 'jsonb' })
  filter: Record<string, unknown>;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'bigint', nullable: true })
  rows: string | null;

  @Column({ type: 'jsonb', nullable: true })
  proof: Record<string, unknown> | null;
}
