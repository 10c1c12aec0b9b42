import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CreatedWebhookEndpointDto, CreateWebhookEndpointDto, DeliveriesQuery, DeliveryPageDto, WebhookEndpointDto, WebhookPayloadDto } from './webhook.dto';
import { WebhooksService } from './webhooks.service';
import { uuidParam } from '../common/pipes';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';
import { noStore } from '../common/no-store';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiExtraModels(WebhookPayloadDto)
@RequireScopes('admin')
@Controller('v1/webhook-endpoints')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Summary('Register a webhook receiver')
  @ApiProblems({ 422: ['WEBHOOK.RECEIVER_REFUSED'] })
  @Idempotent()
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedWebhookEndpointDto,
    description: 'The secret is in this response only (an Idempotency-Key replay omits it). Deliveries carry a WebhookPayloadDto body.',
    headers: {
      'Cache-Control': { description: 'Always `no-store`: the first answer holds a secret.', required: true, schema: { type: 'string', enum: ['no-store'] } },
    },
  })
  create(
    @Body() body: CreateWebhookEndpointDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookEndpointDto> {
    return this.idempotency
      .execute(
        request,
        reply,
        () => this.webhooks.create(body, principal),
        ({ secret: _secret, ...endpoint }) => endpoint,
      )
      .then(noStore(reply));
  }

  @Get()
  @Summary('List webhook receivers')
  @ApiOkResponse({ type: WebhookEndpointDto, isArray: true })
  list(): Promise<WebhookEndpointDto[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @Summary('Read a webhook receiver')
  @ApiProblems({ 404: ['WEBHOOK_ENDPOINT.NOT_FOUND'] })
  @ApiOkResponse({ type: WebhookEndpointDto })
  get(@Param('id', uuidParam) id: string): Promise<WebhookEndpointDto> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @Summary('Delete a webhook receiver')
  @ApiProblems({ 404: ['WEBHOOK_ENDPOINT.NOT_FOUND'] })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Receives nothing more; pending deliveries are given up; the delivery log stays.' })
  delete(@Param('id', uuidParam) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.webhooks.delete(id, principal);
  }

  @Get(':id/deliveries')
  @Summary("A receiver's delivery log, newest first")
  @ApiProblems({ 404: ['WEBHOOK_ENDPOINT.NOT_FOUND'] })
  @ApiOkResponse({ type: DeliveryPageDto, description: 'The delivery log, newest first.' })
  deliveries(@Param('id', uuidParam) id: string, @Query() query: DeliveriesQuery): Promise<DeliveryPageDto> {
    return this.webhooks.deliveries(id, query.cursor, query.limit);
  }
}
