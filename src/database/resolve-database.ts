import { Logger } from '@nestjs/common';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';
import { AppConfig } from '../config/app-config';

/** With DATABASE_URL, use it; without, start the embedded server and point the config at it. */
export async function resolveDatabase(config: AppConfig): Promise<{ config: AppConfig; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { config };
  const logger = new Logger('EmbeddedPostgres');
  logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${config.embeddedPgDir} on port ${config.embeddedPgPort}`);
  const embedded = await startEmbeddedPostgres({
    dataDir: config.embeddedPgDir,
    port: config.embeddedPgPort,
    database: 'consent',
    persistent: true,
  });
  return { config: { ...config, databaseUrl: embedded.url }, embedded };
}
