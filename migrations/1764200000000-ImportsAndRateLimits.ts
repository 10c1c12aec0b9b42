import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Running it for real (issue 7):
 *
 * - `consent_import` / `consent_import_rejection`: bulk imports (POST /v1/imports) and their
 *   progress, committed with each chunk of events, and the lines they rejected.
 * - `rate_limit_window`: request counts per API key and window, summed over replicas.
 *   UNLOGGED: a crash loses at most a window's counts, and the counters cost no WAL.
 *
 * Grants for the service role (see 1764150000000-CreateLedger):
 *   GRANT SELECT, INSERT, UPDATE, DELETE ON consent_import, consent_import_rejection, rate_limit_window TO consent_app;
 */
export class ImportsAndRateLimits1764200000000 implements MigrationInterface {
  name = 'ImportsAndRateLimits1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "consent_import" ("id" uuid NOT NULL, "principal" character varying(200) NOT NULL, "idempotency_key" character varying(255), "format" character varying(8) NOT NULL, "options" jsonb NOT NULL, "status" character varying(16) NOT NULL, "lines_done" bigint NOT NULL DEFAULT '0', "rows_written" bigint NOT NULL DEFAULT '0', "rows_rejected" bigint NOT NULL DEFAULT '0', "prefix_hash" character(64) NOT NULL, "error" jsonb, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_consent_import" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "consent_import_key" ON "consent_import" ("principal", "idempotency_key") WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE TABLE "consent_import_rejection" ("import_id" uuid NOT NULL, "line" bigint NOT NULL, "field" character varying(128) NOT NULL, "reason" character varying(500) NOT NULL, CONSTRAINT "PK_consent_import_rejection" PRIMARY KEY ("import_id", "line"))`);
    await q.query(`ALTER TABLE "consent_import_rejection" ADD CONSTRAINT "FK_consent_import_rejection_import" FOREIGN KEY ("import_id") REFERENCES "consent_import"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`CREATE UNLOGGED TABLE "rate_limit_window" ("key" character varying(240) NOT NULL, "window_start" bigint NOT NULL, "hits" integer NOT NULL, CONSTRAINT "PK_rate_limit_window" PRIMARY KEY ("key", "window_start"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limit_window"`);
    await q.query(`DROP TABLE "consent_import_rejection"`);
    await q.query(`DROP TABLE "consent_import"`);
  }
}
