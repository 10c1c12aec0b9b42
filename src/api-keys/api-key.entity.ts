import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An API key. Only a SHA-256 of the secret is stored; the secret is shown once, at creation. */
@Entity('api_key')
export class ApiKeyEntity {
  /** Made by the service (crypto.randomUUID), so that no database extension is needed. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The first characters of the secret, so that staff can tell keys apart without the secret. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Index('api_key_secret_hash_key', { unique: true })
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
