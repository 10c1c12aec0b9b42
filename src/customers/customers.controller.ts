import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes';
import { CustomerDto, CustomerParams, PutCustomerDto } from './customer.dto';
import { CustomersService } from './customers.service';
import { Summary, ApiProblems } from '../common/api-docs';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Put(':customerId')
  @Summary('Create or replace a customer and their contact points')
  @ApiProblems({ 409: ['CONTACT_POINT.TAKEN'] })
  @RequireScopes('consents:write')
  @ApiOkResponse({ type: CustomerDto, description: 'Updated.' })
  @ApiCreatedResponse({ type: CustomerDto, description: 'Created.' })
  async put(@Param() params: CustomerParams, @Body() body: PutCustomerDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CustomerDto> {
    const { customer, created } = await this.customers.put(params.customerId, body);
    reply.status(created ? 201 : 200);
    return customer;
  }

  @Get(':customerId')
  @Summary('Read a customer')
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'] })
  @RequireScopes('consents:read')
  @ApiOkResponse({ type: CustomerDto })
  get(@Param() params: CustomerParams): Promise<CustomerDto> {
    return this.customers.get(params.customerId);
  }
}
