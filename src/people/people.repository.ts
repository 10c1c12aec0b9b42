import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

/** What the ledger still knows of a person the customer tables do not (yet, or any more) hold. */
@Injectable()
export class PeopleRepository {
  constructor(private readonly db: Db) {}

  /** Whether consent events name this customer id (consent may be recorded before the profile). */
  @GenerateSql({ params: ['cus_42'] })
  async customerHasEvents(customerId: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(`select exists (select 1 from consent_event where customer_id = $1) as found`, [customerId]);
    return row.found;
  }

  /** When the customer whose ledger pseudonym this is was erased; null if never. */
  @GenerateSql({ params: ['erased:3f1c9a'] })
  async erasedAt(pseudonym: string): Promise<string | null> {
    const [row] = await this.db.query<{ at: Date | null }>(`select min(recorded_at) as at from system_event where type = 'customer.erased' and subject = $1`, [
      pseudonym,
    ]);
    return row.at?.toISOString() ?? null;
  }

  /** When a contact point went on the suppression list (its customer was erased); null if never. */
  @GenerateSql({ params: ['sms', '9b2e7f1c4d3a4e5b8c6d7e8f9a0b1c2d9b2e7f1c4d3a4e5b8c6d7e8f9a0b1c2d'] })
  async suppressedAt(channelGroup: string, addressHash: string): Promise<string | null> {
    const [row] = await this.db.query<{ at: Date }>(`select suppressed_at as at from suppression where channel_group = $1 and address_hash = $2`, [
      channelGroup,
      addressHash,
    ]);
    return row?.at.toISOString() ?? null;
  }

  /** Whether consent events were recorded at this contact point. */
  @GenerateSql({ params: ['sms', '+14155550100'] })
  async addressHasEvents(channelGroup: string, address: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(`select exists (select 1 from consent_event where channel_group = $1 and address = $2) as found`, [
      channelGroup,
      address,
    ]);
    return row.found;
  }
}
