import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure deletes a customer's inbound messages, and with them what made a provider's replay of
 * one (same MessageSid) a replay: a captured, signed START posted again opted the erased number
 * back in. `inbound_message_erased` keeps, per erased message, keyed hashes of its id and
 * content and the answer it got, so the replay is still answered as one and writes nothing.
 *
 * Grants for the service role (see 1764150000000-CreateLedger):
 *   GRANT SELECT, INSERT ON inbound_message_erased TO consent_app;
 */
export class ErasedInboundMessages1764220000000 implements MigrationInterface {
  name = 'ErasedInboundMessages1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "inbound_message_erased" ("message_ref" character(64) NOT NULL, "request_ref" character(64) NOT NULL, "result" jsonb NOT NULL, "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_inbound_message_erased" PRIMARY KEY ("message_ref"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inbound_message_erased"`);
  }
}
