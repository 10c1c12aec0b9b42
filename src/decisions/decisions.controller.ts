import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { hasScope, RequireScopes, Scope } from '../auth/scopes';
import { Problem } from '../common/problem';

const RESERVE_SCOPES: readonly Scope[] = ['sends:write'];
import { BatchDecisionDto, BatchDecisionRequestDto, DecisionDto, DecisionRequestDto } from './decision.dto';
import { DecisionsService } from './decisions.service';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

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
  @Summary('May I send this message? One recipient')
  @ApiProblems({ 404: ['CAMPAIGN.NOT_FOUND'], 503: ['LINKS.NOT_CONFIGURED'] })
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionDto })
  decide(@Body() body: DecisionRequestDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<DecisionDto> {
    // A reservation writes a send that counts against caps: that is recording sends, not reading decisions.
    if (body.reserve && !hasScope(request.principal!, RESERVE_SCOPES)) {
      throw new Problem(403, 'FORBIDDEN', 'Forbidden', 'reserve: true records a send against caps: it needs the sends:write scope as well as decisions:read.');
    }
    return this.idempotency.execute(request, reply, () => this.decisions.decideOne(body, request.principal?.actor));
  }

  @Post('batch')
  @Summary('May I send this message? Up to 10,000 recipients')
  @ApiProblems({ 404: ['CAMPAIGN.NOT_FOUND'], 503: ['LINKS.NOT_CONFIGURED'] })
  @Idempotent()
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
