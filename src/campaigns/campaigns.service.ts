import { Injectable } from '@nestjs/common';
import { SystemEvents } from '../ledger/system-events';
import { Principal } from '../auth/scopes';
import { Channel } from '../common/channels';
import { Problem } from '../common/problem';
import { Transactions } from '../database/transactions';
import { CampaignDto, Purpose, PutCampaignDto } from './campaign.dto';
import { CampaignRow, CampaignsRepository } from './campaigns.repository';

export function toCampaignDto(row: CampaignRow): CampaignDto {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose as Purpose,
    channels: row.channels as Channel[],
    reconfirmEvery: row.reconfirm_every,
    reconfirmGrace: row.reconfirm_grace,
    doubleOptIn: row.double_opt_in,
    consentTtl: row.consent_ttl,
    jurisdictions: row.jurisdictions,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A campaign as the ledger records a change to it: what the API shows, without timestamps. */
function recorded(row: CampaignRow): Omit<CampaignDto, 'createdAt' | 'updatedAt'> {
  const { createdAt: _c, updatedAt: _u, ...definition } = toCampaignDto(row);
  return definition;
}

@Injectable()
export class CampaignsService {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly transactions: Transactions,
    private readonly systemEvents: SystemEvents,
  ) {}

  put(id: string, body: PutCampaignDto, by: Principal): Promise<{ campaign: CampaignDto; created: boolean }> {
    if (body.reconfirmGrace !== undefined && body.reconfirmEvery === undefined) {
      throw Problem.field('reconfirmGrace', 'needs reconfirmEvery: a grace period follows a re-confirmation due date');
    }
    return this.transactions.run(async () => {
      const before = await this.repository.findForUpdate(id);
      const { row, created } = await this.repository.upsert({
        id,
        name: body.name,
        purpose: body.purpose,
        channels: body.channels,
        reconfirm_every: body.reconfirmEvery ?? null,
        reconfirm_grace: body.reconfirmGrace ?? null,
        double_opt_in: body.doubleOptIn ?? false,
        consent_ttl: body.consentTtl ?? null,
        jurisdictions: body.jurisdictions ?? [],
      });
      await this.systemEvents.recordChange(
        created ? 'campaign.created' : 'campaign.changed',
        by.actor,
        `campaign:${id}`,
        before ? recorded(before) : null,
        recorded(row),
      );
      return { campaign: toCampaignDto(row), created };
    });
  }

  async get(id: string): Promise<CampaignDto> {
    return toCampaignDto(await this.require(id));
  }

  async require(id: string, field = 'campaignId'): Promise<CampaignRow> {
    const row = await this.repository.findById(id);
    if (!row) throw Problem.notFound('CAMPAIGN.NOT_FOUND', `No campaign has ${field} "${id}".`);
    return row;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.repository.findById(id)) !== undefined;
  }

  /** The campaign, or null when there is none. */
  async find(id: string): Promise<CampaignDto | null> {
    const row = await this.repository.findById(id);
    return row ? toCampaignDto(row) : null;
  }

  async list(): Promise<CampaignDto[]> {
    return (await this.repository.listAll()).map(toCampaignDto);
  }
}
