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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "customer_preference"`);
    await q.query(`ALTER TABLE "campaign_version" DROP COLUMN "jurisdictions"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "jurisdictions"`);
  }
}
