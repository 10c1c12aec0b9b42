import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound replies (STOP, START, HELP and conversations): senders and what a STOP to them
 * covers, every inbound message once by provider id (providers retry), and service windows,
 * which are consent events that end by themselves (`expires_at`).
 *
 * Least privilege: the service role needs SELECT, INSERT, UPDATE, DELETE on sender and
 * SELECT, INSERT on inbound_message (rows are never changed once written).
 */
export class InboundMessages1764160000000 implements MigrationInterface {
  name = 'InboundMessages1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inbound_message" ("provider" character varying(32) NOT NULL, "message_id" character varying(128) NOT NULL, "channel" character varying(16) NOT NULL, "from_address" character varying(512) NOT NULL, "to_address" character varying(512) NOT NULL, "body" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "request_hash" character(64) NOT NULL, "result" jsonb NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1c1da9bb9c98f20b1ea28ca5e6e" PRIMARY KEY ("provider", "message_id"))`);
    await q.query(`CREATE TABLE "sender" ("address" character varying(512) NOT NULL, "campaign_ids" text array NOT NULL DEFAULT '{}', "keywords" jsonb NOT NULL DEFAULT '{}', "replies" jsonb NOT NULL DEFAULT '{}', "language" character varying(35) NOT NULL DEFAULT 'en', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8eb36ba5b7f7a0d5867c1f295c9" PRIMARY KEY ("address"))`);
    // Adding a nullable column without a default rewrites nothing, and fires no row trigger.
    await q.query(`ALTER TABLE "consent_event" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE INDEX "consent_event_window_idx" ON "consent_event" ("address", "channel", "expires_at") WHERE action = 'service_window'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "consent_event_window_idx"`);
    await q.query(`ALTER TABLE "consent_event" DROP COLUMN "expires_at"`);
    await q.query(`DROP TABLE "sender"`);
    await q.query(`DROP TABLE "inbound_message"`);
  }
}
