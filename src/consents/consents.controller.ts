import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { CustomerParams } from '../customers/customer.dto';
import { ConsentStateDto, ConsentStateQuery, HistoryPageDto, HistoryQuery, RecordConsentDto, RecordedConsentDto } from './consent.dto';
import { ConsentsService } from './consents.service';

@ApiTags('consents')
@ApiBearerAuth()
@Controller('v1')
export class ConsentsController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('consents')
  @HttpCode(201)
  @RequireScopes('consents:write')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first response for 24 hours at least.' })
  @ApiCreatedResponse({ type: RecordedConsentDto })
  record(
    @Body() body: RecordConsentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedConsentDto> {
    return this.idempotency.execute(request, reply, () => this.consents.record(body, principal));
  }

  @Get('consents')
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: ConsentStateDto, isArray: true })
  ofContactPoint(@Query() query: ConsentStateQuery): Promise<ConsentStateDto[]> {
    return this.consents.statesOfContactPoint(query);
  }

  @Get('customers/:customerId/consents')
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: ConsentStateDto, isArray: true })
  ofCustomer(@Param() params: CustomerParams): Promise<ConsentStateDto[]> {
    return this.consents.statesOfCustomer(params.customerId);
  }

  @Get('customers/:customerId/history')
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: HistoryPageDto })
  history(@Param() params: CustomerParams, @Query() query: HistoryQuery, @CurrentPrincipal() principal: Principal): Promise<HistoryPageDto> {
    return this.consents.history(params.customerId, query.cursor, query.limit, principal);
  }
}
