import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { KeywordSetDto, PutSenderDto, ReplyTextsDto, SenderDto, SenderParams } from './sender.dto';
import { SendersService } from './senders.service';
import { Summary, ApiProblems } from '../common/api-docs';

@ApiTags('senders')
@ApiExtraModels(KeywordSetDto, ReplyTextsDto)
@ApiBearerAuth()
@Controller('v1/senders')
export class SendersController {
  constructor(private readonly senders: SendersService) {}

  @Put(':address')
  @Summary('Create or replace a sender: its campaigns, keywords and reply texts')
  @ApiProblems({ 422: ['SENDER.KEYWORD_CONFLICT', 'SENDER.UNKNOWN_CAMPAIGN'] })
  @RequireScopes('campaigns:write')
  @ApiOkResponse({ type: SenderDto, description: 'Updated.' })
  @ApiCreatedResponse({ type: SenderDto, description: 'Created.' })
  async put(
    @Param() params: SenderParams,
    @Body() body: PutSenderDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SenderDto> {
    const { sender, created } = await this.senders.put(params.address, body, principal);
    reply.status(created ? 201 : 200);
    return sender;
  }

  @Get()
  @Summary('List senders')
  @RequireScopes('campaigns:read', 'campaigns:write')
  @ApiOkResponse({ type: SenderDto, isArray: true })
  list(): Promise<SenderDto[]> {
    return this.senders.list();
  }

  @Get(':address')
  @Summary('Read a sender')
  @ApiProblems({ 404: ['SENDER.NOT_FOUND'] })
  @RequireScopes('campaigns:read', 'campaigns:write')
  @ApiOkResponse({ type: SenderDto })
  get(@Param() params: SenderParams): Promise<SenderDto> {
    return this.senders.get(params.address);
  }

  @Delete(':address')
  @Summary('Delete a sender')
  @ApiProblems({ 404: ['SENDER.NOT_FOUND'] })
  @HttpCode(204)
  @RequireScopes('campaigns:write')
  @ApiNoContentResponse({ description: 'Deleted: a STOP to this sender now covers the whole channel.' })
  delete(@Param() params: SenderParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.senders.delete(params.address, principal);
  }
}
