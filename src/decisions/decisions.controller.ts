import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { BatchDecisionDto, BatchDecisionRequestDto, DecisionDto, DecisionRequestDto } from './decision.dto';
import { DecisionsService } from './decisions.service';

@ApiTags('decisions')
@ApiBearerAuth()
@RequireScopes('decisions:read')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(
    private readonly decisions: DecisionsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionDto })
  decide(@Body() body: DecisionRequestDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<DecisionDto> {
    return this.idempotency.execute(request, reply, () => this.decisions.decideOne(body, request.principal?.actor));
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOkResponse({ type: BatchDecisionDto })
  decideBatch(
    @Body() body: BatchDecisionRequestDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchDecisionDto> {
    return this.idempotency.execute(request, reply, () => this.decisions.decideBatch(body));
  }
}
