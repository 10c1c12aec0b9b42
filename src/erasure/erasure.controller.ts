import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { AuthenticatedRequest, Principal, RequireScopes } from '../auth/scopes';
import { CustomerParams } from '../customers/customer.dto';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ErasureDto, ErasureResultDto } from './erasure.dto';
import { ErasureService } from './erasure.service';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

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
  @Summary('Erase a customer (GDPR Art. 17)')
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @Idempotent()
  @HttpCode(201)
  @ApiBody({ type: ErasureDto, required: false, description: 'Optional: why, for the ledger.' })
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
