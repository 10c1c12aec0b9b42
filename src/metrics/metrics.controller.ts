import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { Metrics } from './metrics';
import { Summary } from '../common/api-docs';

@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus text format; no key (like /health): expose it on the internal network only. */
  @Get()
  @Summary('Prometheus metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({
    content: { 'text/plain': { schema: { type: 'string' } } },
    headers: { 'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } } },
    description:
      'Request rate and latency per route, decisions by outcome and reason, events by action and source, job durations, seal and outbox lag, pool usage.',
  })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
