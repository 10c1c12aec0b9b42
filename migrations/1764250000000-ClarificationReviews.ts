import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An unclear reply is asked back and filed for review (`clarification_requested`), and
 * marketing on its contact point waits: decisions look for a clarification still waiting on the
 * contact point (an index that holds only those events, so the lookup costs one probe of a
 * small index). Staff resolve a review once (`clarification_resolved`), and the sweep records
 * the end of an unanswered hold once (`clarification_expired`): the unique index on the action
 * and the review named in the evidence makes a second, concurrent write of either fail.
 */
export class ClarificationReviews1764250000000 implements MigrationInterface {
  name = 'ClarificationReviews1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "consent_event_clarification_idx" ON "consent_event" ("channel_group", "address", "expires_at") WHERE action = 'clarification_requested'`,
    );
    // The sweep's: holds that ended lately, oldest first.
    await q.query(`CREATE INDEX "consent_event_clarification_expiry_idx" ON "consent_event" ("expires_at") WHERE action = 'clarification_requested'`);
    await q.query(
      `CREATE UNIQUE INDEX "consent_event_review_resolution_idx" ON "consent_event" ("action", (evidence->>'reviewId')) WHERE action IN ('clarification_resolved', 'clarification_expired')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "consent_event_review_resolution_idx"`);
    await q.query(`DROP INDEX "consent_event_clarification_expiry_idx"`);
    await q.query(`DROP INDEX "consent_event_clarification_idx"`);
  }
}
