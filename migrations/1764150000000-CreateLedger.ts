import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger and what it refers to. `consent_event` is append-only: a trigger
 * rejects UPDATE, DELETE and TRUNCATE for every role, the owner included.
 *
 * To run the service with least privilege, create the tables with an owner role and give
 * the service role only what it needs, for example:
 *   GRANT SELECT, INSERT ON consent_event TO consent_app;
 *   GRANT USAGE ON SEQUENCE consent_event_id_seq TO consent_app;
 *   GRANT SELECT, INSERT, UPDATE, DELETE ON campaign, customer, contact_point, api_key, idempotency_record TO consent_app;
 * and run migrations (MIGRATIONS_RUN=false in the service, `npm run migration:run` as the owner).
 */
export class CreateLedger1764150000000 implements MigrationInterface {
  name = 'CreateLedger1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" character varying(200) NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "api_key_secret_hash_key" ON "api_key" ("secret_hash") `);
    await q.query(`CREATE TABLE "campaign" ("id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "purpose" character varying(20) NOT NULL, "channels" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0ce34d26e7f2eb316a3a592cdc4" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "consent_event" ("id" BIGSERIAL NOT NULL, "customer_id" character varying(128), "channel" character varying(16) NOT NULL, "channel_group" character varying(16) NOT NULL, "address" character varying(512), "campaign_id" character varying(64), "action" character varying(32) NOT NULL, "source" character varying(32) NOT NULL, "evidence" jsonb NOT NULL DEFAULT '{}', "language" character varying(35), "jurisdiction" character varying(16), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()), "recorded_by" character varying(200) NOT NULL, CONSTRAINT "PK_da129f04a16b45855a0ebb5ed68" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "consent_event_customer_idx" ON "consent_event" ("customer_id", "channel_group", "occurred_at", "recorded_at", "id") WHERE customer_id IS NOT NULL`);
    // Covering index for decisions: an index-only scan answers "newest event on this address".
    await q.query(`CREATE INDEX "consent_event_contact_point_idx" ON "consent_event" ("channel_group", "address", "occurred_at", "recorded_at", "id") INCLUDE ("action", "campaign_id") WHERE address IS NOT NULL`);
    await q.query(`CREATE TABLE "customer" ("id" character varying(128) NOT NULL, "timezone" character varying(64), "locale" character varying(35), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7a13f4cacb744524e44dfdad32" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "contact_point" ("channel" character varying(16) NOT NULL, "address" character varying(512) NOT NULL, "channel_group" character varying(16) NOT NULL, "customer_id" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5a07fa1acafa32c7a14efc82724" PRIMARY KEY ("channel", "address"))`);
    await q.query(`CREATE INDEX "contact_point_customer_idx" ON "contact_point" ("customer_id", "channel_group") `);
    await q.query(`CREATE INDEX "contact_point_group_address_idx" ON "contact_point" ("channel_group", "address") `);
    await q.query(`CREATE TABLE "idempotency_record" ("principal" character varying(200) NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "status_code" integer NOT NULL, "response" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c8a94a2590e55c032bda567b882" PRIMARY KEY ("principal", "key"))`);
    await q.query(`CREATE INDEX "idempotency_record_created_at_idx" ON "idempotency_record" ("created_at") `);
    await q.query(`ALTER TABLE "consent_event" ADD CONSTRAINT "FK_be4c2df6960924b5c31da165462" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "contact_point" ADD CONSTRAINT "FK_385c5c787ad85adc907e708e6e6" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await q.query(`CREATE FUNCTION consent_event_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_event is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_event
      FOR EACH ROW EXECUTE FUNCTION consent_event_reject_change()`);
    await q.query(`CREATE TRIGGER consent_event_no_truncate BEFORE TRUNCATE ON consent_event
      FOR EACH STATEMENT EXECUTE FUNCTION consent_event_reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "contact_point"`);
    await q.query(`DROP TABLE "customer"`);
    await q.query(`DROP TABLE "idempotency_record"`);
    await q.query(`DROP TRIGGER consent_event_no_truncate ON consent_event`);
    await q.query(`DROP TRIGGER consent_event_append_only ON consent_event`);
    await q.query(`DROP TABLE "consent_event"`);
    await q.query(`DROP FUNCTION consent_event_reject_change()`);
    await q.query(`DROP TABLE "campaign"`);
    await q.query(`DROP TABLE "api_key"`);
  }
}
