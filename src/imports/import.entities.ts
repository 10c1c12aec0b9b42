import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * One bulk import (POST /v1/imports): its options, and its progress, committed with each chunk
 * of events it writes, so that a re-post with the same Idempotency-Key resumes after the last
 * committed line instead of writing anything twice.
 */
@Entity('consent_import')
@Index('consent_import_key', ['principal', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
export class ConsentImportEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_consent_import' })
  id: string;

  /** The API key (or admin) that posted it: keys are scoped to it, as Idempotency-Key is. */
  @Column({ type: 'varchar', length: 200 })
  principal: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** `csv` or `ndjson`. */
  @Column({ type: 'varchar', length: 8 })
  format: string;

  /** Defaults for columns the file lacks (channel, action, campaignId, occurredAt). */
  @Column({ type: 'jsonb' })
  options: Record<string, unknown>;

  /** `running`, `completed`, `failed` (the file is unreadable past a line) or `interrupted`. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** Data lines committed (header excluded); a resumed import skips this many. */
  @Column({ name: 'lines_done', type: 'bigint', default: 0 })
  linesDone: string;

  @Column({ name: 'rows_written', type: 'bigint', default: 0 })
  rowsWritten: string;

  @Column({ name: 'rows_rejected', type: 'bigint', default: 0 })
  rowsRejected: string;

  /** Hash chain over the committed chunks' bytes: a resumed post must carry the same lines. */
  @Column({ name: 'prefix_hash', type: 'char', length: 64 })
  prefixHash: string;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}

/** A rejected line of an import and why (the first IMPORT_REJECTIONS_KEPT of each import). */
@Entity('consent_import_rejection')
export class ConsentImportRejectionEntity {
  @PrimaryColumn({ name: 'import_id', type: 'uuid', primaryKeyConstraintName: 'PK_consent_import_rejection' })
  importId: string;

  @ManyToOne(() => ConsentImportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'FK_consent_import_rejection_import' })
  consentImport?: ConsentImportEntity;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_consent_import_rejection' })
  line: string;

  @Column({ type: 'varchar', length: 128 })
  field: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;
}
