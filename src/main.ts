import { Logger } from '@nestjs/common';
import { seedDemoIfEmpty } from './cli/demo-data';
import { StartupError } from './config/config';
import { createHttpApp, onShutdownSignal, prepareRuntime } from './runtime';

async function main(): Promise<void> {
  const runtime = await prepareRuntime();
  const app = await createHttpApp(runtime);
  onShutdownSignal(async () => {
    await app.close();
    await runtime.stop();
  });
  const { port, host } = runtime.config.http;
  await app.listen(port, host);
  const url = `http://localhost:${port}/graphql`;
  const logger = new Logger('Tessera');
  logger.log(`GraphQL API and playground at ${url}`);
  if (runtime.config.seedDemo) {
    const signIn = await seedDemoIfEmpty(app);
    if (signIn) logger.log(`Demo data ready. Open ${url} and sign in as ${signIn.email} / ${signIn.password}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
