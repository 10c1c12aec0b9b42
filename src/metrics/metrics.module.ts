import { Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';

/** Prometheus metrics: counters every feature increments, and GET /metrics. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRepository, Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
