import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { AuthenticatedRequest, Principal, RequireScopes } from '../auth/scopes';
import { CustomerParams } from '../customers/customer.dto';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ErasureDto, ErasureResultDto } from './erasure.dto';
import { ErasureService } from './erasure.service';

@ApiTags('audit')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/customers')
export class ErasureController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post(':customerId/erasure')
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key replays the first answer.' })
  @ApiCreatedResponse({ type: ErasureResultDto })
  erase(
    @Param() params: CustomerParams,
    @Body() body: ErasureDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ErasureResultDto> {
    return this.idempotency.execute(request, reply, () => this.erasure.erase(params.customerId, body.reason, principal));
  }
}
