import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { withoutIdleTimeout } from '../common/http-limits';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { JOBS, JobsService } from './jobs.service';
import { Summary, ApiProblems } from '../common/api-docs';
import { JobRunDto } from './jobs.dto';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/admin/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':job/run')
  @Summary('Run a background job now')
  @ApiProblems({ 404: ['JOB.NOT_FOUND'] })
  @HttpCode(200)
  @ApiParam({ name: 'job', enum: JOBS })
  @ApiOkResponse({ type: JobRunDto, description: 'What the run did.' })
  async run(@Param('job') job: string, @Req() request: FastifyRequest): Promise<JobRunDto> {
    // A sweep over millions of consents may run longer than the idle timeout of a connection.
    return withoutIdleTimeout(request, () => this.jobs.run(job));
  }
}
