import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface PreferenceRow {
  customer_id: string;
  channels: Record<string, { enabled: boolean }>;
  preferred_channels: string[];
  quiet_hours: { start: string; end: string; days?: number[] } | null;
  max_messages: Record<string, { count: number; per: string }> | null;
  paused_until: Date | null;
  updated_at: Date;
}

const COLUMNS = 'customer_id, channels, preferred_channels, quiet_hours, max_messages, paused_until, updated_at';

@Injectable()
export class PreferencesRepository {
  constructor(private readonly db: Db) {}

  @GenerateSql({ params: ['cus_42'] })
  async find(customerId: string): Promise<PreferenceRow | undefined> {
    return (await this.db.query<PreferenceRow>(`select ${COLUMNS} from customer_preference where customer_id = $1`, [customerId]))[0];
  }

  /**
   * The preferences standing, with the customer's row locked until the transaction ends: two
   * changes of one customer's preferences apply one after the other, each to what the other left.
   */
  @GenerateSql({ params: ['cus_42'] })
  async findForUpdate(customerId: string): Promise<PreferenceRow | undefined> {
    const rows = await this.db.query<PreferenceRow & { customer_id: string | null }>(
      `select ${COLUMNS.split(', ')
        .map((c) => `p.${c}`)
        .join(', ')} from customer c left join customer_preference p on p.customer_id = c.id where c.id = $1 for update of c`,
      [customerId],
    );
    return rows[0]?.customer_id ? rows[0] : undefined;
  }

  @GenerateSql({
    params: [
      {
        customer_id: 'cus_42',
        channels: { sms: { enabled: false } },
        preferred_channels: ['whatsapp', 'email'],
        quiet_hours: { start: '21:00', end: '08:00' },
        max_messages: null,
        paused_until: new Date('2026-12-31T00:00:00Z'),
      },
    ],
  })
  async upsert(p: Omit<PreferenceRow, 'updated_at'>): Promise<PreferenceRow> {
    const rows = await this.db.query<PreferenceRow>(
      `insert into customer_preference (customer_id, channels, preferred_channels, quiet_hours, max_messages, paused_until) values ($1, $2, $3, $4, $5, $6)
       on conflict (customer_id) do update set channels = excluded.channels, preferred_channels = excluded.preferred_channels,
         quiet_hours = excluded.quiet_hours, max_messages = excluded.max_messages, paused_until = excluded.paused_until, updated_at = now()
       returning ${COLUMNS}`,
      [p.customer_id, p.channels, p.preferred_channels, p.quiet_hours, p.max_messages, p.paused_until],
    );
    return rows[0];
  }
}
