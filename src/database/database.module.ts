import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions, EntityList } from './data-source-options';
import { Db } from './db';
import { Transactions } from './transactions';
import { runMigrationsLocked } from './migrator';

/** Connects when the application initialises (never merely when it is constructed, so the
 * OpenAPI generator can build the app without a database), migrates, and closes the pool last. */
@Injectable()
export class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
    if (this.config.migrationsRun) {
      const applied = await runMigrationsLocked(this.dataSource);
      if (applied.length) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** PostgreSQL for every feature (global): `entities` are the tables the service owns (src/entities.ts). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new DataSource(
              dataSourceOptions(config.databaseUrl ?? 'postgres://unset@127.0.0.1/unset', entities, {
                poolMax: config.dbPoolMax,
                statementTimeoutMs: config.dbStatementTimeoutMs,
                connectTimeoutMs: config.requestTimeoutMs,
              }),
            ),
        },
        Db,
        Transactions,
        DatabaseLifecycle,
      ],
      exports: [DataSource, Db, Transactions],
    };
  }
}
