import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveDatabase } from './database/resolve-database';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const { config, embedded } = await resolveDatabase(loadConfig());
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  logger.log(`listening on http://${config.host}:${config.port}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: closing (in-flight requests finish, then the pool closes)`);
    try {
      await app.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `failed to start: ${error instanceof Error ? error.stack : (JSON.stringify(error) ?? String(error))}`,
  );
  process.exit(1);
});
