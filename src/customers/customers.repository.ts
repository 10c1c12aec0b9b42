import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface CustomerRow {
  id: string;
  timezone: string | null;
  locale: string | null;
  region: string | null;
  last_purchase_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ContactPointRow {
  channel: string;
  address: string;
  channel_group: string;
  customer_id: string;
}

const CUSTOMER_COLUMNS = 'id, timezone, locale, region, last_purchase_at, created_at, updated_at';

@Injectable()
export class CustomersRepository {
  constructor(private readonly db: Db) {}

  @GenerateSql({ params: [{ id: 'cus_42', timezone: 'America/New_York', locale: 'en-US', region: 'US-NY', lastPurchaseAt: '2026-05-01T12:00:00Z' }] })
  async upsert(c: {
    id: string;
    timezone: string | null;
    locale: string | null;
    region: string | null;
    lastPurchaseAt: string | null;
  }): Promise<{ row: CustomerRow; created: boolean }> {
    const rows = await this.db.query<CustomerRow & { created: boolean }>(
      `insert into customer (id, timezone, locale, region, last_purchase_at) values ($1, $2, $3, $4, $5)
       on conflict (id) do update set timezone = excluded.timezone, locale = excluded.locale, region = excluded.region,
         last_purchase_at = excluded.last_purchase_at, updated_at = now()
       returning ${CUSTOMER_COLUMNS}, (xmax = 0) as created`,
      [c.id, c.timezone, c.locale, c.region, c.lastPurchaseAt],
    );
    const { created, ...row } = rows[0];
    return { row, created };
  }

  /** Consent may arrive before the profile: make sure the customer exists, change nothing else. */
  @GenerateSql({ params: ['cus_42'] })
  async ensureExists(id: string): Promise<void> {
    await this.db.query(`insert into customer (id) values ($1) on conflict (id) do nothing`, [id]);
  }

  @GenerateSql({ params: ['cus_42'] })
  async findById(id: string): Promise<CustomerRow | undefined> {
    return (await this.db.query<CustomerRow>(`select ${CUSTOMER_COLUMNS} from customer where id = $1`, [id]))[0];
  }

  /** Locks the contact points asked for, so that two customers cannot claim one at the same time. */
  @GenerateSql({
    params: [
      [
        { channel: 'sms', address: '+14155550100' },
        { channel: 'email', address: 'ana@example.com' },
      ],
    ],
  })
  async findContactPointOwners(points: { channel: string; address: string }[]): Promise<ContactPointRow[]> {
    if (!points.length) return [];
    return this.db.query<ContactPointRow>(
      `select cp.channel, cp.address, cp.channel_group, cp.customer_id
         from contact_point cp
         join unnest($1::text[], $2::text[]) as p(channel, address) on cp.channel = p.channel and cp.address = p.address
        for update of cp`,
      [points.map((p) => p.channel), points.map((p) => p.address)],
    );
  }

  /** `addressHash`: the suppression list's key for the point (Pseudonyms.addressHash). */
  @GenerateSql({ params: ['cus_42', [{ channel: 'sms', address: '+14155550100', channelGroup: 'sms', addressHash: '5d41402abc4b2a76b9719d911017c592' }]] })
  async replaceContactPoints(customerId: string, points: { channel: string; address: string; channelGroup: string; addressHash: string }[]): Promise<void> {
    await this.db.query(`delete from contact_point where customer_id = $1`, [customerId]);
    if (!points.length) return;
    await this.db.query(
      `insert into contact_point (channel, address, channel_group, customer_id, suppressed_at)
       select p.channel, p.address, p.channel_group, $5,
              (select s.suppressed_at from suppression s where s.channel_group = p.channel_group and s.address_hash = p.address_hash)
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as p(channel, address, channel_group, address_hash)`,
      [points.map((p) => p.channel), points.map((p) => p.address), points.map((p) => p.channelGroup), points.map((p) => p.addressHash), customerId],
    );
  }

  @GenerateSql({ params: ['sms', '+14155550100'] })
  async findOwnerIds(channelGroup: string, address: string): Promise<string[]> {
    const rows = await this.db.query<{ customer_id: string }>(`select distinct customer_id from contact_point where channel_group = $1 and address = $2`, [
      channelGroup,
      address,
    ]);
    return rows.map((r) => r.customer_id);
  }

  @GenerateSql({ params: ['cus_42'] })
  findContactPoints(customerId: string): Promise<ContactPointRow[]> {
    return this.db.query<ContactPointRow>(
      `select channel, address, channel_group, customer_id from contact_point where customer_id = $1 order by channel, address`,
      [customerId],
    );
  }
}
