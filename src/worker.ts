import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, StartupError } from './config/config';
import { createAppContext, loadDotEnv, onShutdownSignal, prepareRuntime } from './runtime';

/**
 * Queue workers only (no HTTP), for scaling out beside API processes started with WORKERS=off.
 * Started with package.json `config.nodeFlags` (`npm run start:worker`), for the reasons in main.ts.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const missing = [
    ...(config.queue.redisUrl ? [] : ['REDIS_URL is required for a worker process: it takes its jobs from Redis.']),
    ...(config.database.url ? [] : ["DATABASE_URL is required for a worker process: it shares the API processes' database."]),
  ];
  if (missing.length > 0) throw new ConfigError(missing);
  const runtime = await prepareRuntime(config);
  const app = await createAppContext(runtime, { workers: true });
  await app.init();
  onShutdownSignal(async () => {
    await app.close();
    await runtime.stop();
  });
  new Logger('Worker').log('Processing jobs');
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
