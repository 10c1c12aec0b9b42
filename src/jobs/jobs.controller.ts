import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IDLE_TIMEOUT_MS } from '../common/http-limits';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { JOBS, JobsService } from './jobs.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/admin/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':job/run')
  @HttpCode(200)
  @ApiParam({ name: 'job', enum: JOBS })
  @ApiOkResponse({
    description: 'What the run did: reconfirmation → {requested, lapsed, expired, confirmationsExpired, batches, ms}; webhooks → {attempted, delivered, retrying, failed}.',
    schema: { type: 'object', properties: { job: { type: 'string', enum: [...JOBS] }, result: { type: 'object' } } },
  })
  async run(@Param('job') job: string, @Req() request: FastifyRequest): Promise<{ job: string; result: unknown }> {
    // A sweep over millions of consents may run longer than the idle timeout of a connection.
    // (Injected test requests have no real socket.)
    const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
    socket?.setTimeout?.(0);
    try {
      return await this.jobs.run(job);
    } finally {
      socket?.setTimeout?.(IDLE_TIMEOUT_MS);
    }
  }
}
