import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every inbound message once, by provider message id: a provider's retry finds the stored
 * answer and changes nothing. The body is kept as evidence of what the customer wrote.
 */
@Entity('inbound_message')
export class InboundMessageEntity {
  /** `twilio` for the Twilio webhook, `api` for POST /v1/inbound/messages. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 128 })
  messageId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ name: 'from_address', type: 'varchar', length: 512 })
  fromAddress: string;

  @Column({ name: 'to_address', type: 'varchar', length: 512 })
  toAddress: string;

  @Column({ type: 'text' })
  body: string;

  /** When the provider received it: decides between a STOP and a START sent close together. */
  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** SHA-256 of the message as first received: the same id with other content is refused. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  /** The answer given: `{intent, matched, reply, effects}`. */
  @Column({ type: 'jsonb' })
  result: Record<string, unknown>;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}

/**
 * What is left of an inbound message after its sender was erased: enough to know a provider's
 * replay of it (a captured, signed START) as a replay, nothing that names the person. Both
 * hashes are keyed (PSEUDONYM_KEY), so a backup cannot be searched by hashing candidate numbers.
 */
@Entity('inbound_message_erased')
export class ErasedInboundMessageEntity {
  /** HMAC of provider and message id. */
  @PrimaryColumn({ name: 'message_ref', type: 'char', length: 64, primaryKeyConstraintName: 'PK_inbound_message_erased' })
  messageRef: string;

  /** HMAC of the request hash: the same id with other content is still refused. */
  @Column({ name: 'request_ref', type: 'char', length: 64 })
  requestRef: string;

  /** The answer given (intent, rule, reply text, event ids): no personal data. */
  @Column({ type: 'jsonb' })
  result: Record<string, unknown>;

  @Column({ name: 'erased_at', type: 'timestamptz', default: () => 'now()' })
  erasedAt: Date;
}
