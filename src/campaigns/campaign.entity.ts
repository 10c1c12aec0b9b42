import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What defines a campaign for decisions: its purpose, channels and lifecycle policy. */
export abstract class CampaignDefinitionColumns {
  /** marketing | transactional | conversational: decides the answer when no consent was recorded. */
  @Column({ type: 'varchar', length: 20 })
  purpose: string;

  @Column({ type: 'text', array: true })
  channels: string[];

  /** ISO 8601 duration: campaign-scoped opt-ins fall due for re-confirmation this long after given or renewed. */
  @Column({ name: 'reconfirm_every', type: 'varchar', length: 40, nullable: true })
  reconfirmEvery: string | null;

  /** ISO 8601 duration after the due date during which decisions still allow. */
  @Column({ name: 'reconfirm_grace', type: 'varchar', length: 40, nullable: true })
  reconfirmGrace: string | null;

  /** Opt-ins from web forms and imports stay pending until confirmed. */
  @Column({ name: 'double_opt_in', type: 'boolean', default: false })
  doubleOptIn: boolean;

  /** ISO 8601 duration: campaign-scoped opt-ins expire this long after given or renewed. */
  @Column({ name: 'consent_ttl', type: 'varchar', length: 40, nullable: true })
  consentTtl: string | null;

  /** Rule sets applied on top of preferences, in the recipient's local time (us-tcpa, us-fl, fr-demarchage). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  jurisdictions: string[];
}

@Entity('campaign')
export class CampaignEntity extends CampaignDefinitionColumns {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * Every definition a campaign has had, from when it applied: decisions replayed with `at`
 * use the one in force then. The first version applies to all the past.
 */
@Entity('campaign_version')
@Index('campaign_version_campaign_idx', ['campaignId', 'validFrom'])
export class CampaignVersionEntity extends CampaignDefinitionColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 64 })
  campaignId: string;

  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: CampaignEntity;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;
}
