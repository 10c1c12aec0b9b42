import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { Problem } from '../common/problem';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => Problem.field('id', 'must be a UUID') });

@ApiTags('api-keys')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The secret is in this response only.' })
  create(@Body() body: CreateApiKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(body.name, body.scopes, principal);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  list(): Promise<ApiKeyDto[]> {
    return this.apiKeys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (or already revoked).' })
  async revoke(@Param('id', uuid) id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
