import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { BatchDecisionDto, BatchDecisionRequestDto, DecisionDto, DecisionRequestDto } from './decision.dto';
import { DecisionsService } from './decisions.service';

@ApiTags('decisions')
@ApiBearerAuth()
@RequireScopes('decisions:read')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionDto })
  decide(@Body() body: DecisionRequestDto): Promise<DecisionDto> {
    return this.decisions.decideOne(body);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOkResponse({ type: BatchDecisionDto })
  decideBatch(@Body() body: BatchDecisionRequestDto): Promise<BatchDecisionDto> {
    return this.decisions.decideBatch(body);
  }
}
