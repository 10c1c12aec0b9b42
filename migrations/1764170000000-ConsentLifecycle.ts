import { MigrationInterface, QueryRunner } from 'typeorm';
import { createRowPublishTrigger } from './sql/row-publish-trigger';

/**
 * Consent that renews or lapses, and outbound events.
 *
 * - campaign policy (re-confirmation, double opt-in, TTL), with every version kept in
 *   campaign_version so that decisions replayed with `at` use the policy in force then;
 * - consent_lifecycle: where each campaign-scoped consent stands, for the sweeps;
 * - outbox_event and webhook_delivery: outbound events, written with the change they report;
 * - consent_event_publish(): an AFTER INSERT trigger on consent_event that keeps
 *   consent_lifecycle and the outbox in step with the ledger in the same transaction, whatever
 *   wrote the event (API, inbound webhook, sweep, import).
 *
 * Least privilege: the service role needs SELECT, INSERT, UPDATE on consent_lifecycle,
 * webhook_endpoint and webhook_delivery, SELECT, INSERT on campaign_version and outbox_event.
 */
export class ConsentLifecycle1764170000000 implements MigrationInterface {
  name = 'ConsentLifecycle1764170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "campaign" ADD "reconfirm_every" character varying(40)`);
    await q.query(`ALTER TABLE "campaign" ADD "reconfirm_grace" character varying(40)`);
    await q.query(`ALTER TABLE "campaign" ADD "double_opt_in" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "campaign" ADD "consent_ttl" character varying(40)`);

    await q.query(`CREATE TABLE "campaign_version" ("id" BIGSERIAL NOT NULL, "campaign_id" character varying(64) NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "purpose" character varying(20) NOT NULL, "channels" text array NOT NULL, "reconfirm_every" character varying(40), "reconfirm_grace" character varying(40), "double_opt_in" boolean NOT NULL DEFAULT false, "consent_ttl" character varying(40), CONSTRAINT "PK_4783d6ee2d1ede36f83f9b3a321" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "campaign_version_campaign_idx" ON "campaign_version" ("campaign_id", "valid_from") `);
    await q.query(`ALTER TABLE "campaign_version" ADD CONSTRAINT "FK_953142d7ba5c301b52d92c24c0a" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Existing campaigns: their definition so far applies to all the past.
    await q.query(`INSERT INTO campaign_version (campaign_id, valid_from, purpose, channels)
      SELECT id, '-infinity', purpose, channels FROM campaign`);

    await q.query(`CREATE TABLE "consent_lifecycle" ("channel_group" character varying(16) NOT NULL, "subject" character varying(600) NOT NULL, "campaign_id" character varying(64) NOT NULL, "address" character varying(512), "customer_id" character varying(128), "event_id" bigint NOT NULL, "action" character varying(32) NOT NULL, "given_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4eac30eea304f45234cc4b8c28c" PRIMARY KEY ("channel_group", "subject", "campaign_id"))`);
    await q.query(`CREATE INDEX "consent_lifecycle_due_idx" ON "consent_lifecycle" ("campaign_id", "action", "given_at") `);
    await q.query(`CREATE INDEX "consent_lifecycle_request_idx" ON "consent_lifecycle" ("campaign_id", "given_at") WHERE requested_at IS NULL AND action IN ('opt_in', 'renewed')`);

    await q.query(`CREATE TABLE "webhook_endpoint" ("id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "events" text array NOT NULL, "secret" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" character varying(200) NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6c98112122b2b8a4f3984d2efa8" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "outbox_event" ("id" BIGSERIAL NOT NULL, "type" character varying(64) NOT NULL, "event_id" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cc0c9e40998e45ecfc5e313429d" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "webhook_delivery" ("id" BIGSERIAL NOT NULL, "outbox_id" bigint NOT NULL, "endpoint_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status" integer, "last_error" character varying(500), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id", "id") `);
    await q.query(`CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE status = 'pending'`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_c8d6604aaa1eb52f91b170a2188" FOREIGN KEY ("outbox_id") REFERENCES "outbox_event"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_f53f5aec02217a54927b13e39d9" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    // Campaign-scoped consents as they stand now.
    await q.query(`INSERT INTO consent_lifecycle (channel_group, subject, campaign_id, address, customer_id, event_id, action, given_at, recorded_at)
      SELECT DISTINCT ON (channel_group, subject, campaign_id) channel_group, subject, campaign_id, address,
             CASE WHEN address IS NULL THEN customer_id END, id, action, occurred_at, recorded_at
        FROM (SELECT e.*, CASE WHEN address IS NULL THEN 'c:' || customer_id ELSE 'a:' || address END AS subject
                FROM consent_event e WHERE campaign_id IS NOT NULL AND action IN ('opt_in', 'opt_out')) e
       ORDER BY channel_group, subject, campaign_id, occurred_at DESC, recorded_at DESC, id DESC`);

    await createRowPublishTrigger(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER consent_event_publish ON consent_event`);
    await q.query(`DROP FUNCTION consent_event_publish()`);
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP TABLE "outbox_event"`);
    await q.query(`DROP TABLE "webhook_endpoint"`);
    await q.query(`DROP TABLE "consent_lifecycle"`);
    await q.query(`DROP TABLE "campaign_version"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "consent_ttl"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "double_opt_in"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "reconfirm_grace"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "reconfirm_every"`);
  }
}
