import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { CustomerParams } from '../customers/customer.dto';
import { ChannelPreferenceDto, MessageCapDto, PreferencesDto, PutPreferencesDto } from './preferences.dto';
import { PreferencesService } from './preferences.service';
import { Summary, ApiProblems } from '../common/api-docs';

@ApiTags('preferences')
@ApiBearerAuth()
@ApiExtraModels(ChannelPreferenceDto, MessageCapDto)
@Controller('v1/customers/:customerId/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Put()
  @Summary("Replace a customer's send-time preferences")
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @RequireScopes('consents:write')
  @ApiOkResponse({ type: PreferencesDto, description: "Replaced; the change is an event in the customer's history." })
  put(@Param() params: CustomerParams, @Body() body: PutPreferencesDto, @CurrentPrincipal() principal: Principal): Promise<PreferencesDto> {
    return this.preferences.put(params.customerId, body, principal);
  }

  @Get()
  @Summary("Read a customer's send-time preferences")
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: PreferencesDto })
  get(@Param() params: CustomerParams): Promise<PreferencesDto> {
    return this.preferences.get(params.customerId);
  }
}
