import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { Summary } from '../common/api-docs';
import { OverviewDto, OverviewQuery } from './overview.dto';
import { OverviewService } from './overview.service';

@ApiTags('audit')
@ApiBearerAuth()
@RequireScopes('audit:read')
@Controller('v1/audit/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @Summary('Consent activity by day, and the state of sealing, webhooks and imports')
  @ApiOkResponse({ type: OverviewDto, description: 'Counts only: no personal data.' })
  get(@Query() q: OverviewQuery): Promise<OverviewDto> {
    return this.overview.overviewOf(q.days ?? 30);
  }
}
