import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { RecordSendDto, SendDto } from './sends.dto';
import { SendsService } from './sends.service';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

@ApiTags('sends')
@ApiBearerAuth()
@Controller('v1/sends')
export class SendsController {
  constructor(
    private readonly sends: SendsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Summary('Record a message sent')
  @ApiProblems({ 404: ['CAMPAIGN.NOT_FOUND'], 409: ['SEND.DECISION_USED'] })
  @Idempotent()
  @RequireScopes('sends:write')
  @ApiCreatedResponse({ type: SendDto, description: 'Recorded.' })
  @ApiOkResponse({ type: SendDto, description: 'This messageId was recorded before: nothing changed.' })
  record(
    @Body() body: RecordSendDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendDto> {
    return this.idempotency.execute(request, reply, async () => {
      const { send, created } = await this.sends.record(body, principal);
      reply.status(created ? 201 : 200);
      return send;
    });
  }
}
