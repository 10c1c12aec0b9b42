import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { withoutIdleTimeout } from '../common/http-limits';
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
    description:
      'What the run did: reconfirmation → {requested, lapsed, expired, confirmationsExpired, batches, ms}; webhooks → {attempted, delivered, retrying, failed}; seal → {blocks, events, lagMs}.',
    schema: { type: 'object', properties: { job: { type: 'string', enum: [...JOBS] }, result: { type: 'object' } } },
  })
  async run(@Param('job') job: string, @Req() request: FastifyRequest): Promise<{ job: string; result: unknown }> {
    // A sweep over millions of consents may run longer than the idle timeout of a connection.
    return withoutIdleTimeout(request, () => this.jobs.run(job));
  }
}
