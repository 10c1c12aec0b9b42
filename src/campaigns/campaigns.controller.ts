import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { CampaignDto, CampaignParams, PutCampaignDto } from './campaign.dto';
import { CampaignsService } from './campaigns.service';
import { Summary, ApiProblems } from '../common/api-docs';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Put(':campaignId')
  @Summary('Create or replace a campaign')
  @RequireScopes('campaigns:write')
  @ApiOkResponse({ type: CampaignDto, description: 'Updated.' })
  @ApiCreatedResponse({ type: CampaignDto, description: 'Created.' })
  async put(
    @Param() params: CampaignParams,
    @Body() body: PutCampaignDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CampaignDto> {
    const { campaign, created } = await this.campaigns.put(params.campaignId, body, principal);
    reply.status(created ? 201 : 200);
    return campaign;
  }

  @Get()
  @Summary('List campaigns')
  @RequireScopes('campaigns:read', 'campaigns:write', 'decisions:read')
  @ApiOkResponse({ type: CampaignDto, isArray: true })
  list(): Promise<CampaignDto[]> {
    return this.campaigns.list();
  }

  @Get(':campaignId')
  @Summary('Read a campaign')
  @ApiProblems({ 404: ['CAMPAIGN.NOT_FOUND'] })
  @RequireScopes('campaigns:read', 'campaigns:write', 'decisions:read')
  @ApiOkResponse({ type: CampaignDto })
  get(@Param() params: CampaignParams): Promise<CampaignDto> {
    return this.campaigns.get(params.campaignId);
  }
}
