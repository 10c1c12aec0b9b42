import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { withDeadline } from '../common/deadline';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';

class HealthDto {
  status: 'ok';
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
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is running.' })
  live(): HealthDto {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers within the request timeout. */
  @Get('ready')
  @ApiOkResponse({ description: 'The database answers.' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer.' })
  async ready(): Promise<HealthDto> {
    const unavailable = () => Problem.unavailable('The database does not answer.', 5);
    await withDeadline(this.transactions.ping(), this.config.requestTimeoutMs, unavailable).catch(() => {
      throw unavailable();
    });
    return { status: 'ok' };
  }
}
