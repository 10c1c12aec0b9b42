import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review queue (`GET /v1/inbound/reviews`) lists unclear replies newest first: an index of
 * the clarifications by id lets a page read only as many as it shows, however long the ledger.
 */
export class ReviewQueue1764260000000 implements MigrationInterface {
  name = 'ReviewQueue1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "consent_event_review_queue_idx" ON "consent_event" ("id") WHERE action = 'clarification_requested'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "consent_event_review_queue_idx"`);
  }
}
