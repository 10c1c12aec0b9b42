import { Module } from '@nestjs/common';
import { RateLimitRepository } from './rate-limit.repository';
import { SharedWindowStorage } from './shared-window.storage';

/** Request counts per API key, shared by the replicas through PostgreSQL (the guard is registered by AppModule, after the key guard). */
@Module({
  providers: [RateLimitRepository, SharedWindowStorage],
  exports: [SharedWindowStorage],
})
export class RateLimitModule {}
