import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proof for compliance staff (issue 5): every ledger entry is sealed into hash-chained Merkle
 * blocks shortly after it commits, and erasure turns a customer's personal data into
 * pseudonyms without breaking the chain.
 *
 * - `system_event`: what the service records besides consent (API key changes, erasures,
 *   every audit export and history read). Append-only like `consent_event`.
 * - `seal_queue`: filled by a statement trigger in the same transaction as every event, so no
 *   committed event can escape sealing; the sealer drains it. Writers never wait on a lock.
 * - `ledger_block` / `ledger_leaf`: the sealed blocks and their leaves, in ledger order (seq).
 * - `ledger_node`: perfect subtrees of the ledger tree (a Merkle tree over block hashes),
 *   from which heads and inclusion paths are computed in O(log n) reads.
 * - `suppression`: keyed hashes of erased customers' addresses; decisions treat one as an
 *   opt-out until a new explicit opt-in. `contact_point.suppressed_at` carries it to a contact
 *   point created later for the same address.
 *
 * Append-only in the database: `consent_event`, `system_event`, `ledger_block`, `ledger_node`
 * and `ledger_leaf` reject DELETE and TRUNCATE for every role, and UPDATE except one: inside an
 * erasure transaction (`consent.erasure` set locally), an event's customer id and address may
 * become `erased:` pseudonyms and its personal evidence keys may be dropped, and a leaf's salt
 * may be cleared. Nothing else can change.
 *
 * Least privilege: run migrations as an owner role, and the service as a role with only
 *   GRANT SELECT, INSERT ON consent_event, system_event, ledger_block, ledger_node, ledger_leaf TO consent_app;
 *   GRANT UPDATE (customer_id, address, evidence) ON consent_event TO consent_app;  -- erasure only
 *   GRANT UPDATE (salt) ON ledger_leaf TO consent_app;                               -- erasure only
 *   GRANT SELECT, INSERT, DELETE ON seal_queue TO consent_app;
 *   GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO consent_app;
 * plus SELECT, INSERT, UPDATE, DELETE on the other tables. Such a role cannot delete, truncate
 * or rewrite history even if the service is compromised; an owner or superuser who disables
 * the triggers is caught by `GET /v1/audit/verify`.
 */
export class AuditLedger1764190000000 implements MigrationInterface {
  name = 'AuditLedger1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "system_event" ("id" BIGSERIAL NOT NULL, "type" character varying(64) NOT NULL, "actor" character varying(200) NOT NULL, "subject" character varying(200), "details" jsonb NOT NULL DEFAULT '{}', "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()), CONSTRAINT "PK_system_event" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "seal_queue" ("stream" character varying(8) NOT NULL, "event_id" bigint NOT NULL, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "PK_seal_queue" PRIMARY KEY ("stream", "event_id"))`);
    await q.query(`CREATE TABLE "ledger_block" ("block_no" bigint NOT NULL, "first_seq" bigint NOT NULL, "size" integer NOT NULL, "first_recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "merkle_root" character(64) NOT NULL, "prev_hash" character(64) NOT NULL, "block_hash" character(64) NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ledger_block" PRIMARY KEY ("block_no"))`);
    await q.query(`CREATE TABLE "ledger_leaf" ("seq" bigint NOT NULL, "block_no" bigint NOT NULL, "stream" character varying(8) NOT NULL, "event_id" bigint NOT NULL, "salt" character(32), "commitment" character(64), "leaf_hash" character(64) NOT NULL, CONSTRAINT "PK_ledger_leaf" PRIMARY KEY ("seq"))`);
    await q.query(`CREATE TABLE "ledger_node" ("level" smallint NOT NULL, "idx" bigint NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_ledger_node" PRIMARY KEY ("level", "idx"))`);
    await q.query(`CREATE UNIQUE INDEX "ledger_leaf_event_key" ON "ledger_leaf" ("stream", "event_id") `);
    await q.query(`CREATE TABLE "suppression" ("channel_group" character varying(16) NOT NULL, "address_hash" character(64) NOT NULL, "reason" character varying(32) NOT NULL, "suppressed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_suppression" PRIMARY KEY ("channel_group", "address_hash"))`);
    // A contact point created for a suppressed address carries the suppression (decisions by customer id).
    await q.query(`ALTER TABLE "contact_point" ADD "suppressed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE TABLE "audit_export" ("id" uuid NOT NULL, "principal" character varying(200) NOT NULL, "format" character varying(8) NOT NULL, "filter" jsonb NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, "rows" bigint, "proof" jsonb, CONSTRAINT "PK_audit_export" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "service_secret" ("name" character varying(64) NOT NULL, "value" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_service_secret" PRIMARY KEY ("name"))`);
    await q.query(`ALTER TABLE "ledger_leaf" ADD CONSTRAINT "FK_ledger_leaf_block" FOREIGN KEY ("block_no") REFERENCES "ledger_block"("block_no") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // Exports of a time range select blocks by the recorded times they span.
    await q.query(`CREATE INDEX "ledger_block_recorded_idx" ON "ledger_block" ("last_recorded_at") `);

    // Every committed event is queued for sealing by the transaction that wrote it.
    await q.query(`CREATE FUNCTION ledger_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO seal_queue (stream, event_id) SELECT TG_ARGV[0], id FROM new_rows;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER consent_event_seal AFTER INSERT ON consent_event REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_enqueue('consent')`);
    await q.query(`CREATE TRIGGER system_event_seal AFTER INSERT ON system_event REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_enqueue('system')`);

    // consent_event: still append-only, except the pseudonymisation an erasure performs.
    await q.query(`CREATE FUNCTION consent_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('consent.erasure', true) = 'on'
           AND NEW.id = OLD.id AND NEW.channel = OLD.channel AND NEW.channel_group = OLD.channel_group
           AND NEW.campaign_id IS NOT DISTINCT FROM OLD.campaign_id AND NEW.action = OLD.action AND NEW.source = OLD.source
           AND NEW.language IS NOT DISTINCT FROM OLD.language AND NEW.jurisdiction IS NOT DISTINCT FROM OLD.jurisdiction
           AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
           AND NEW.expires_at IS NOT DISTINCT FROM OLD.expires_at AND NEW.recorded_by = OLD.recorded_by
           AND (NEW.address IS NOT DISTINCT FROM OLD.address OR NEW.address LIKE 'erased:%')
           AND (NEW.customer_id IS NOT DISTINCT FROM OLD.customer_id OR NEW.customer_id LIKE 'erased:%')
           AND NEW.evidence = OLD.evidence - ARRAY['ip', 'userAgent', 'text', 'pageUrl', 'recordingRef']
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_event is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`DROP TRIGGER consent_event_append_only ON consent_event`);
    await q.query(`CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_event
      FOR EACH ROW EXECUTE FUNCTION consent_event_guard()`);

    await q.query(`CREATE FUNCTION ledger_leaf_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('consent.erasure', true) = 'on' AND NEW.salt IS NULL
           AND NEW.seq = OLD.seq AND NEW.block_no = OLD.block_no AND NEW.stream = OLD.stream AND NEW.event_id = OLD.event_id
           AND NEW.commitment IS NOT DISTINCT FROM OLD.commitment AND NEW.leaf_hash = OLD.leaf_hash
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'ledger_leaf is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER ledger_leaf_append_only BEFORE UPDATE OR DELETE ON ledger_leaf FOR EACH ROW EXECUTE FUNCTION ledger_leaf_guard()`);
    await q.query(`CREATE TRIGGER ledger_leaf_no_truncate BEFORE TRUNCATE ON ledger_leaf FOR EACH STATEMENT EXECUTE FUNCTION consent_event_reject_change()`);
    for (const table of ['system_event', 'ledger_block', 'ledger_node']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION consent_event_reject_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION consent_event_reject_change()`);
    }

    // Events written before this migration are queued too: the first seal covers them.
    await q.query(`INSERT INTO seal_queue (stream, event_id) SELECT 'consent', id FROM consent_event ORDER BY id`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['system_event', 'ledger_block', 'ledger_node', 'ledger_leaf']) {
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
    }
    await q.query(`DROP FUNCTION ledger_leaf_guard()`);
    await q.query(`DROP TRIGGER consent_event_append_only ON consent_event`);
    await q.query(`CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_event
      FOR EACH ROW EXECUTE FUNCTION consent_event_reject_change()`);
    await q.query(`DROP FUNCTION consent_event_guard()`);
    await q.query(`DROP TRIGGER system_event_seal ON system_event`);
    await q.query(`DROP TRIGGER consent_event_seal ON consent_event`);
    await q.query(`DROP FUNCTION ledger_enqueue()`);
    await q.query(`DROP TABLE "service_secret"`);
    await q.query(`DROP TABLE "audit_export"`);
    await q.query(`ALTER TABLE "contact_point" DROP COLUMN "suppressed_at"`);
    await q.query(`DROP TABLE "suppression"`);
    await q.query(`DROP TABLE "ledger_leaf"`);
    await q.query(`DROP TABLE "ledger_node"`);
    await q.query(`DROP TABLE "ledger_block"`);
    await q.query(`DROP TABLE "seal_queue"`);
    await q.query(`DROP TABLE "system_event"`);
  }
}
