import { INestApplicationContext, Logger } from '@nestjs/common';
import { loadConfig } from '../config/config';
import { createAppContext, prepareRuntime, Runtime } from '../runtime';
import { CliLogger } from './cli-output';

/**
 * The application without HTTP or queue workers, for one command. It logs warnings and errors
 * only (LOG_LEVEL overrides), all on stderr: stdout is the command's result.
 */
export async function withApp<T>(fn: (app: INestApplicationContext, runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await prepareRuntime(cliConfig());
  Logger.overrideLogger(new CliLogger(runtime.config.log));
  const app = await createAppContext(runtime, { workers: false });
  app.useLogger(new CliLogger(runtime.config.log));
  try {
    return await fn(app, runtime);
  } finally {
    await app.close();
    await runtime.stop();
  }
}

/** The configuration for a command: the environment's, quieter by default. */
export function cliConfig(overrides: Record<string, string> = {}) {
  return loadConfig({ LOG_LEVEL: 'warn', ...process.env, ...overrides });
}
