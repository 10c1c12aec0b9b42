import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The ledger's tables besides consent_event (migration 1764190000000-AuditLedger holds the
 * triggers that make them append-only). TypeORM describes them for the schema-drift check;
 * the service reads and writes them with SQL (src/ledger/ledger.repository.ts and the repositories that use them).
 */

/** Something the service recorded besides consent: API key changes, erasures, audit reads. */
@Entity('system_event')
export class SystemEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_system_event' })
  id: string;

  /** `api_key.created`, `api_key.revoked`, `customer.erased`, `audit.exported`, `audit.read`, `history.read`. */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  /** What it is about: an API key id, or a keyed hash for a customer (never a raw id or address). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  subject: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', clock_timestamp())" })
  recordedAt: Date;
}

/** Events committed but not sealed yet; filled by triggers, drained by the sealer. */
@Entity('seal_queue')
export class SealQueueEntity {
  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_seal_queue' })
  stream: string;

  @PrimaryColumn({ name: 'event_id', type: 'bigint', primaryKeyConstraintName: 'PK_seal_queue' })
  eventId: string;

  @Column({ name: 'queued_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  queuedAt: Date;
}

@Entity('ledger_block')
@Index('ledger_block_recorded_idx', ['lastRecordedAt'])
export class LedgerBlockEntity {
  @PrimaryColumn({ name: 'block_no', type: 'bigint', primaryKeyConstraintName: 'PK_ledger_block' })
  blockNo: string;

  @Column({ name: 'first_seq', type: 'bigint' })
  firstSeq: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ name: 'first_recorded_at', type: 'timestamptz' })
  firstRecordedAt: Date;

  @Column({ name: 'last_recorded_at', type: 'timestamptz' })
  lastRecordedAt: Date;

  @Column({ name: 'merkle_root', type: 'char', length: 64 })
  merkleRoot: string;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ name: 'block_hash', type: 'char', length: 64 })
  blockHash: string;

  @Column({ name: 'sealed_at', type: 'timestamptz' })
  sealedAt: Date;
}

/** A perfect subtree of the ledger tree (Merkle tree over block hashes): level 0 is a block. */
@Entity('ledger_node')
export class LedgerNodeEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_ledger_node' })
  level: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_ledger_node' })
  idx: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

@Entity('ledger_leaf')
@Index('ledger_leaf_event_key', ['stream', 'eventId'], { unique: true })
export class LedgerLeafEntity {
  /** Position in the ledger, from 1, without gaps. */
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_ledger_leaf' })
  seq: string;

  @Column({ name: 'block_no', type: 'bigint' })
  blockNo: string;

  @ManyToOne(() => LedgerBlockEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'block_no', foreignKeyConstraintName: 'FK_ledger_leaf_block' })
  block?: LedgerBlockEntity;

  @Column({ type: 'varchar', length: 8 })
  stream: string;

  @Column({ name: 'event_id', type: 'bigint' })
  eventId: string;

  /** Hex; cleared by erasure, which makes the commitment opaque for good. */
  @Column({ type: 'char', length: 32, nullable: true })
  salt: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  commitment: string | null;

  @Column({ name: 'leaf_hash', type: 'char', length: 64 })
  leafHash: string;
}

/** Erased customers' addresses, as keyed hashes: decisions keep denying them. */
@Entity('suppression')
export class SuppressionEntity {
  @PrimaryColumn({ name: 'channel_group', type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_suppression' })
  channelGroup: string;

  @PrimaryColumn({ name: 'address_hash', type: 'char', length: 64, primaryKeyConstraintName: 'PK_suppression' })
  addressHash: string;

  /** `opted_out` when the customer had opted out, else `erased`. */
  @Column({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ name: 'suppressed_at', type: 'timestamptz' })
  suppressedAt: Date;
}

/** Secrets the service generates for itself when none is configured (the pseudonym key). */
@Entity('service_secret')
export class ServiceSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_service_secret' })
  name: string;

  @Column({ type: 'text' })
  value: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
