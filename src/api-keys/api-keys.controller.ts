import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, CurrentApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';
import { uuidParam } from '../common/pipes';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';
import { noStore } from '../common/no-store';

@ApiTags('api-keys')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Summary('Create an API key')
  @Idempotent()
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedApiKeyDto,
    description: 'The secret is in this response only (an Idempotency-Key replay omits it).',
    headers: {
      'Cache-Control': { description: 'Always `no-store`: the first answer holds a secret.', required: true, schema: { type: 'string', enum: ['no-store'] } },
    },
  })
  create(
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedApiKeyDto> {
    // A replay returns the key without its secret: secrets are shown once and never stored.
    return this.idempotency
      .execute(
        request,
        reply,
        () => this.apiKeys.create(body.name, body.scopes, principal),
        ({ secret: _secret, ...key }) => key,
      )
      .then(noStore(reply));
  }

  @Get()
  @Summary('List API keys')
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  list(): Promise<ApiKeyDto[]> {
    return this.apiKeys.list();
  }

  @Get('current')
  @RequireScopes()
  @Summary('The API key making the request')
  @ApiOkResponse({
    type: CurrentApiKeyDto,
    description: 'Any valid key may ask: what it is called and what it may do (the staff console shows or hides by it).',
  })
  current(@CurrentPrincipal() principal: Principal): CurrentApiKeyDto {
    return { id: principal.id, name: principal.name, scopes: [...principal.scopes] };
  }

  @Delete(':id')
  @Summary('Revoke an API key')
  @ApiProblems({ 404: ['API_KEY.NOT_FOUND'] })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (or already revoked).' })
  async revoke(@Param('id', uuidParam) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.apiKeys.revoke(id, principal);
  }
}
