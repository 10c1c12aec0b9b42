import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A number or short code the brand sends from, with what a STOP to it covers and how the
 * service answers keywords sent to it (docs/domain.md §4).
 */
@Entity('sender')
export class SenderEntity {
  /** E.164 for phone numbers, digits for short codes, as written otherwise. */
  @PrimaryColumn({ type: 'varchar', length: 512 })
  address: string;

  /** Campaigns sending from this sender: a STOP to it opts out of each. Empty: the whole channel. */
  @Column({ name: 'campaign_ids', type: 'text', array: true, default: () => "'{}'" })
  campaignIds: string[];

  /** Extra keywords by language: `{ "en": { "opt_out": ["ENOUGH"] } }`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  keywords: Record<string, Record<string, string[]>>;

  /** Reply texts by language: `{ "fr": { "opt_out": "..." } }`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  replies: Record<string, Record<string, string>>;

  /** Language of replies when the customer's message does not tell one. */
  @Column({ type: 'varchar', length: 35, default: 'en' })
  language: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
