import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { CustomerParams } from '../customers/customer.dto';
import { ConsentStateDto, ConsentStateQuery, HistoryPageDto, HistoryQuery, RecordConsentDto, RecordedConsentDto } from './consent.dto';
import { ConsentsService } from './consents.service';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

@ApiTags('consents')
@ApiBearerAuth()
@Controller('v1')
export class ConsentsController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('consents')
  @Summary('Record a consent event')
  @ApiProblems({ 404: ['CAMPAIGN.NOT_FOUND'], 409: ['CONSENT.SUPPRESSED'], 422: ['CONSENT.CHANNEL_NOT_IN_CAMPAIGN', 'CONSENT.NOTHING_TO_CONFIRM'] })
  @Idempotent()
  @HttpCode(201)
  @RequireScopes('consents:write')
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
  @Summary('Current consent of a contact point')
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: ConsentStateDto, isArray: true })
  ofContactPoint(@Query() query: ConsentStateQuery): Promise<ConsentStateDto[]> {
    return this.consents.statesOfContactPoint(query);
  }

  @Get('customers/:customerId/consents')
  @Summary('Current consent of a customer')
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: ConsentStateDto, isArray: true })
  ofCustomer(@Param() params: CustomerParams): Promise<ConsentStateDto[]> {
    return this.consents.statesOfCustomer(params.customerId);
  }

  @Get('customers/:customerId/history')
  @Summary("A customer's history, newest first")
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: HistoryPageDto })
  history(@Param() params: CustomerParams, @Query() query: HistoryQuery, @CurrentPrincipal() principal: Principal): Promise<HistoryPageDto> {
    return this.consents.history(params.customerId, query.cursor, query.limit, principal);
  }
}
