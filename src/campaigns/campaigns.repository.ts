import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface CampaignPolicy {
  reconfirm_every: string | null;
  reconfirm_grace: string | null;
  double_opt_in: boolean;
  consent_ttl: string | null;
  jurisdictions: string[];
}

export interface CampaignRow extends CampaignPolicy {
  id: string;
  name: string;
  purpose: string;
  channels: string[];
  created_at: Date;
  updated_at: Date;
}

export type CampaignDefinition = Omit<CampaignRow, 'created_at' | 'updated_at'>;

const COLUMNS = 'id, name, purpose, channels, reconfirm_every, reconfirm_grace, double_opt_in, consent_ttl, jurisdictions, created_at, updated_at';

@Injectable()
export class CampaignsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates or replaces a campaign, and keeps the definition as a version from now on (the
   * first version applies to all the past). Run inside a transaction.
   */
  @GenerateSql({
    params: [
      {
        id: 'spring-promo',
        name: 'Spring promotion',
        purpose: 'marketing',
        channels: ['sms', 'email'],
        reconfirm_every: 'P180D',
        reconfirm_grace: 'P14D',
        double_opt_in: false,
        consent_ttl: null,
        jurisdictions: ['us-tcpa'],
      },
    ],
    results: [[{ id: 'spring-promo', created: true }]],
  })
  async upsert(c: CampaignDefinition): Promise<{ row: CampaignRow; created: boolean }> {
    const rows = await this.db.query<CampaignRow & { created: boolean }>(
      `insert into campaign (id, name, purpose, channels, reconfirm_every, reconfirm_grace, double_opt_in, consent_ttl, jurisdictions)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (id) do update set name = excluded.name, purpose = excluded.purpose, channels = excluded.channels,
         reconfirm_every = excluded.reconfirm_every, reconfirm_grace = excluded.reconfirm_grace,
         double_opt_in = excluded.double_opt_in, consent_ttl = excluded.consent_ttl, jurisdictions = excluded.jurisdictions, updated_at = now()
       returning ${COLUMNS}, (xmax = 0) as created`,
      [c.id, c.name, c.purpose, c.channels, c.reconfirm_every, c.reconfirm_grace, c.double_opt_in, c.consent_ttl, c.jurisdictions],
    );
    const { created, ...row } = rows[0];
    await this.db.query(
      `insert into campaign_version (campaign_id, valid_from, purpose, channels, reconfirm_every, reconfirm_grace, double_opt_in, consent_ttl, jurisdictions)
       values ($1, case when $2 then '-infinity'::timestamptz else clock_timestamp() end, $3, $4, $5, $6, $7, $8, $9)`,
      [row.id, created, row.purpose, row.channels, row.reconfirm_every, row.reconfirm_grace, row.double_opt_in, row.consent_ttl, row.jurisdictions],
    );
    return { row, created };
  }

  /** Campaigns that re-confirm or expire consent: what the lifecycle sweep works through. */
  @GenerateSql({ params: [] })
  withLifecyclePolicy(): Promise<CampaignRow[]> {
    return this.db.query<CampaignRow>(
      `select ${COLUMNS} from campaign where reconfirm_every is not null or consent_ttl is not null or double_opt_in order by id`,
    );
  }

  /** The campaign as it stands, locked until the transaction ends (what a change replaces). */
  @GenerateSql({ params: ['spring-promo'] })
  async findForUpdate(id: string): Promise<CampaignRow | undefined> {
    return (await this.db.query<CampaignRow>(`select ${COLUMNS} from campaign where id = $1 for update`, [id]))[0];
  }

  @GenerateSql({ params: ['spring-promo'] })
  async findById(id: string): Promise<CampaignRow | undefined> {
    return (await this.db.query<CampaignRow>(`select ${COLUMNS} from campaign where id = $1`, [id]))[0];
  }

  @GenerateSql({ params: [] })
  listAll(): Promise<CampaignRow[]> {
    return this.db.query<CampaignRow>(`select ${COLUMNS} from campaign order by id`);
  }
}
