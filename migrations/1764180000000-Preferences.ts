import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Send-time preferences (issue 6): what each customer chose (channels, quiet hours, caps) and
 * the jurisdictions a campaign sends under. Every change of preferences is also an event in
 * consent_event (`preferences_changed`, channel `*`).
 */
export class Preferences1764180000000 implements MigrationInterface {
  name = 'Preferences1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "campaign" ADD "jurisdictions" text array NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "campaign_version" ADD "jurisdictions" text array NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE TABLE "customer_preference" ("customer_id" character varying(128) NOT NULL, "channels" jsonb NOT NULL DEFAULT '{}', "preferred_channels" text array NOT NULL DEFAULT '{}', "quiet_hours" jsonb, "max_messages" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_customer_preference" PRIMARY KEY ("customer_id"))`);
    await q.query(`ALTER TABLE "customer_preference" ADD CONSTRAINT "FK_customer_preference_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Messages sent (and reserved by decisions with reserve: true), for frequency caps.
    await q.query(`CREATE TABLE "send" ("id" BIGSERIAL NOT NULL, "message_id" character varying(128), "decision_id" uuid, "kind" character varying(16) NOT NULL, "customer_id" character varying(128), "channel" character varying(16) NOT NULL, "channel_group" character varying(16) NOT NULL, "address" character varying(512), "campaign_id" character varying(64) NOT NULL, "purpose" character varying(20) NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_by" character varying(200) NOT NULL, CONSTRAINT "PK_send" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "send_message_id_key" ON "send" ("message_id") `);
    await q.query(`CREATE UNIQUE INDEX "send_decision_id_key" ON "send" ("decision_id") `);
    await q.query(`CREATE INDEX "send_customer_idx" ON "send" ("customer_id", "sent_at") WHERE customer_id IS NOT NULL`);
    await q.query(`CREATE INDEX "send_address_idx" ON "send" ("channel_group", "address", "sent_at") WHERE address IS NOT NULL`);
    await q.query(`ALTER TABLE "send" ADD CONSTRAINT "FK_send_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "send"`);
    await q.query(`DROP TABLE "customer_preference"`);
    await q.query(`ALTER TABLE "campaign_version" DROP COLUMN "jurisdictions"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "jurisdictions"`);
  }
}
