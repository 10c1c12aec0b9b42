import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State laws on send times and caps follow the customer: `region` (ISO 3166-2, e.g. US-TX) says
 * which state's law applies when the phone number's area code would say otherwise, and
 * `last_purchase_at` exempts a recent buyer from Oregon's cap of 3 messages a day.
 */
export class CustomerRegionAndPurchase1764240000000 implements MigrationInterface {
  name = 'CustomerRegionAndPurchase1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer" ADD "region" character varying(6)`);
    await q.query(`ALTER TABLE "customer" ADD "last_purchase_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer" DROP COLUMN "last_purchase_at"`);
    await q.query(`ALTER TABLE "customer" DROP COLUMN "region"`);
  }
}
