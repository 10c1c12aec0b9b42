import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer may pause marketing messages for a while (the preference centre): decisions then
 * defer them, with reason `paused`, until `paused_until`. The ledger keeps the change as every
 * preference change (a `preferences_changed` event); this column is the preferences as they stand.
 */
export class PausedPreferences1764230000000 implements MigrationInterface {
  name = 'PausedPreferences1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer_preference" ADD "paused_until" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer_preference" DROP COLUMN "paused_until"`);
  }
}
