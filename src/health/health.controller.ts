import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { withDeadline } from '../common/deadline';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { Summary } from '../common/api-docs';

class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The process is up. Says nothing about the database, so orchestrators do not restart us for its outages. */
  @Get('live')
  @Summary('Is the process up?')
  @HttpCode(200)
  @ApiOkResponse({ type: HealthDto, description: 'The process is running.' })
  live(): HealthDto {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers within the request timeout. */
  @Get('ready')
  @Summary('Is the service ready (does the database answer)?')
  @ApiOkResponse({ type: HealthDto, description: 'The database answers.' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer.' })
  async ready(): Promise<HealthDto> {
    const unavailable = () => Problem.unavailable('The database does not answer.', 5);
    await withDeadline(this.transactions.ping(), this.config.requestTimeoutMs, unavailable).catch(() => {
      throw unavailable();
    });
    return { status: 'ok' };
  }
}
