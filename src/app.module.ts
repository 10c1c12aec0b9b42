import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApiKeyGuard } from './api-keys/api-key.guard';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { JurisdictionsModule } from './jurisdictions/jurisdictions.module';
import { ConsoleModule } from './console/console.module';
import { OverviewModule } from './overview/overview.module';
import { PeopleModule } from './people/people.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { loggingParams } from './common/logging';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { ConsentsModule } from './consents/consents.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { DecisionsModule } from './decisions/decisions.module';
import { ENTITIES } from './entities';
import { ErasureModule } from './erasure/erasure.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { InboundModule } from './inbound/inbound.module';
import { JobsModule } from './jobs/jobs.module';
import { LinksModule } from './links/links.module';
import { MetricsModule } from './metrics/metrics.module';
import { PagesModule } from './pages/pages.module';
import { PreferencesModule } from './preferences/preferences.module';
import { ApiKeyThrottlerGuard } from './rate-limit/api-key-throttler.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SharedWindowStorage } from './rate-limit/shared-window.storage';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The composition root: configuration, logs and the database for everyone, the feature
 * modules (each exports what others may use), and the two guards every route passes, in
 * order: the API key, then its rate limit.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { schedule?: boolean; logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggingParams(config, options.logDestination)),
        DatabaseModule.forRoot(ENTITIES),
        ...(options.schedule === false ? [] : [ScheduleModule.forRoot()]),
        HealthModule,
        ApiKeysModule,
        CampaignsModule,
        JurisdictionsModule,
        CustomersModule,
        ConsentsModule,
        DecisionsModule,
        InboundModule,
        WebhooksModule,
        JobsModule,
        PreferencesModule,
        AuditModule,
        PeopleModule,
        OverviewModule,
        ConsoleModule,
        ErasureModule,
        MetricsModule,
        ImportsModule,
        LinksModule,
        PagesModule,
        RateLimitModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        {
          provide: APP_GUARD,
          inject: [SharedWindowStorage, Reflector],
          useFactory: async (storage: SharedWindowStorage, reflector: Reflector) => {
            const guard = new ApiKeyThrottlerGuard(config, storage, reflector);
            await guard.onModuleInit();
            return guard;
          },
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}
