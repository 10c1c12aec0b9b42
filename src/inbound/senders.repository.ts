import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import type { KeywordSetDto, ReplyTextsDto } from './sender.dto';
import { GenerateSql } from '../database/generate-sql';

/** What inbound processing needs of a sender. */
export interface SenderSettings {
  campaign_ids: string[];
  keywords: Record<string, KeywordSetDto>;
  replies: Record<string, ReplyTextsDto>;
  language: string;
}

export interface SenderRow extends SenderSettings {
  address: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'address, campaign_ids, keywords, replies, language, created_at, updated_at';

@Injectable()
export class SendersRepository {
  constructor(private readonly db: Db) {}

  @GenerateSql({ params: [{ address: '+14155550199', campaign_ids: ['spring-promo'], keywords: { fr: { optOut: ['ASSEZ'] } }, replies: {}, language: 'fr' }] })
  async upsert(s: Omit<SenderRow, 'created_at' | 'updated_at'>): Promise<{ row: SenderRow; created: boolean }> {
    const rows = await this.db.query<SenderRow & { created: boolean }>(
      `insert into sender (address, campaign_ids, keywords, replies, language) values ($1, $2, $3, $4, $5)
       on conflict (address) do update set campaign_ids = excluded.campaign_ids, keywords = excluded.keywords,
         replies = excluded.replies, language = excluded.language, updated_at = now()
       returning ${COLUMNS}, (xmax = 0) as created`,
      [s.address, s.campaign_ids, s.keywords, s.replies, s.language],
    );
    const { created, ...row } = rows[0];
    return { row, created };
  }

  @GenerateSql({ params: ['+14155550199'] })
  async find(address: string): Promise<SenderRow | undefined> {
    return (await this.db.query<SenderRow>(`select ${COLUMNS} from sender where address = $1`, [address], 'sender-by-address'))[0];
  }

  @GenerateSql({ params: [] })
  list(): Promise<SenderRow[]> {
    return this.db.query<SenderRow>(`select ${COLUMNS} from sender order by address`);
  }

  /** The sender as it stands, locked until the transaction ends (what a change replaces). */
  @GenerateSql({ params: ['+14155550199'] })
  async findForUpdate(address: string): Promise<SenderRow | undefined> {
    return (await this.db.query<SenderRow>(`select ${COLUMNS} from sender where address = $1 for update`, [address]))[0];
  }

  /** The deleted sender, or undefined when there was none. */
  @GenerateSql({ params: ['+14155550199'] })
  async delete(address: string): Promise<SenderRow | undefined> {
    return (await this.db.query<SenderRow>(`delete from sender where address = $1 returning ${COLUMNS}`, [address]))[0];
  }

  /** The ids among `ids` that name no campaign. */
  @GenerateSql({ params: [['spring-promo', 'winter-sale']] })
  async missingCampaigns(ids: string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from unnest($1::text[]) as t(id) where not exists (select 1 from campaign c where c.id = t.id)`,
      [ids],
    );
    return rows.map((r) => r.id);
  }
}
