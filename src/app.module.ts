import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { loggingParams } from './common/logging';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ApiKeyThrottlerGuard } from './rate-limit/api-key-throttler.guard';
import { SharedWindowStorage } from './rate-limit/shared-window.storage';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditController, ErasureController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { ErasureService } from './audit/erasure.service';
import { LedgerRepository } from './audit/ledger.repository';
import { LedgerService } from './audit/ledger.service';
import { Pseudonyms } from './audit/pseudonyms';
import { SystemEvents } from './audit/system-events';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsRepository } from './campaigns/campaigns.repository';
import { CampaignsService } from './campaigns/campaigns.service';
import { AddressNormaliser } from './common/address-normaliser';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { ConsentEventsRepository } from './consents/consent-events.repository';
import { ConsentsController } from './consents/consents.controller';
import { ConsentsService } from './consents/consents.service';
import { CustomersController } from './customers/customers.controller';
import { CustomersRepository } from './customers/customers.repository';
import { CustomersService } from './customers/customers.service';
import { DatabaseModule } from './database/database.module';
import { DecisionsController } from './decisions/decisions.controller';
import { DecisionsService } from './decisions/decisions.service';
import { HealthController } from './health/health.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { InboundController } from './inbound/inbound.controller';
import { JobsController } from './jobs/jobs.controller';
import { PreferencesController } from './preferences/preferences.controller';
import { SendsController } from './preferences/sends.controller';
import { SendsRepository } from './preferences/sends.repository';
import { SendsService } from './preferences/sends.service';
import { PreferencesRepository } from './preferences/preferences.repository';
import { PreferencesService } from './preferences/preferences.service';
import { JobsService } from './jobs/jobs.service';
import { LifecycleRepository } from './lifecycle/lifecycle.repository';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';
import { InboundRepository } from './inbound/inbound.repository';
import { InboundService } from './inbound/inbound.service';
import { SendersController } from './senders/senders.controller';
import { SendersRepository } from './senders/senders.repository';
import { SendersService } from './senders/senders.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsRepository } from './imports/imports.repository';
import { ImportsService } from './imports/imports.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { schedule?: boolean; logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [LoggerModule.forRoot(loggingParams(config, options.logDestination)), DatabaseModule, IdempotencyModule, ...(options.schedule === false ? [] : [ScheduleModule.forRoot()])],
      controllers: [HealthController, ApiKeysController, CampaignsController, CustomersController, ConsentsController, DecisionsController, SendersController, InboundController,
        WebhooksController, JobsController, PreferencesController, SendsController, AuditController, ErasureController, MetricsController, ImportsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        SharedWindowStorage,
        {
          provide: APP_GUARD,
          inject: [SharedWindowStorage, Reflector],
          useFactory: async (storage: SharedWindowStorage, reflector: Reflector) => {
            const guard = new ApiKeyThrottlerGuard(config, storage, reflector);
            await guard.onModuleInit();
            return guard;
          },
        },
        AddressNormaliser,
        ImportsRepository,
        ImportsService,
        ApiKeysRepository,
        ApiKeysService,
        CampaignsRepository,
        CampaignsService,
        CustomersRepository,
        CustomersService,
        ConsentEventsRepository,
        ConsentsService,
        DecisionsService,
        SendersRepository,
        SendersService,
        InboundRepository,
        InboundService,
        LifecycleRepository,
        LifecycleService,
        WebhooksRepository,
        WebhooksService,
        JobsService,
        PreferencesRepository,
        PreferencesService,
        SendsRepository,
        SendsService,
        Pseudonyms,
        SystemEvents,
        LedgerRepository,
        LedgerService,
        AuditService,
        ErasureService,
        Metrics,
      ],
      exports: [APP_CONFIG],
    };
  }
}
