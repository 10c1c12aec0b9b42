import { Controller, HttpCode, Param, Post } from '@nestjs/common';
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
  run(@Param('job') job: string): Promise<{ job: string; result: unknown }> {
    return this.jobs.run(job);
  }
}
