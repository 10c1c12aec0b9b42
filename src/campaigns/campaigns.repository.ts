import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';

export interface CampaignRow {
  id: string;
  name: string;
  purpose: string;
  channels: string[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, purpose, channels, created_at, updated_at';

@Injectable()
export class CampaignsRepository {
  constructor(private readonly db: Db) {}

  async upsert(c: { id: string; name: string; purpose: string; channels: string[] }): Promise<{ row: CampaignRow; created: boolean }> {
    const rows = await this.db.query<CampaignRow & { created: boolean }>(
      `insert into campaign (id, name, purpose, channels) values ($1, $2, $3, $4)
       on conflict (id) do update set name = excluded.name, purpose = excluded.purpose,
         channels = excluded.channels, updated_at = now()
       returning ${COLUMNS}, (xmax = 0) as created`,
      [c.id, c.name, c.purpose, c.channels],
    );
    const { created, ...row } = rows[0];
    return { row, created };
  }

  async findById(id: string): Promise<CampaignRow | undefined> {
    return (await this.db.query<CampaignRow>(`select ${COLUMNS} from campaign where id = $1`, [id]))[0];
  }

  listAll(): Promise<CampaignRow[]> {
    return this.db.query<CampaignRow>(`select ${COLUMNS} from campaign order by id`);
  }
}
