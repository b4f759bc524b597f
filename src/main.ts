import { Logger } from '@nestjs/common';
import { seedDemoIfEmpty } from './cli/demo-data';
import { loadConfig, StartupError } from './config/config';
import { assertCanListen, createHttpApp, listenError, loadDotEnv, onShutdownSignal, prepareRuntime } from './runtime';

/**
 * The HTTP API. Start it with the node flags in package.json `config.nodeFlags` (`npm start` does):
 * `--max-semi-space-size=8` caps V8's young generation at 2 × 8 MB. Left to itself, V8 sizes it
 * from the machine's memory (64 MB semi-spaces on a 24 GB host), and it stays grown after start-up:
 * about 90 MB of an idle process. Frequent scavenges are also what frees the network buffers of a
 * streamed export promptly (each 64 kB chunk is a small object holding off-heap memory); with large
 * semi-spaces they piled up until the next GC, about +90 MB during a 1,000,000-row CSV download.
 * The process is I/O-bound: short-lived request objects, so small scavenges cost little.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const { port, host } = config.http;
  // Before the embedded database starts and before Nest says anything (its "successfully started"
  // comes before it listens): a taken port is one line.
  await assertCanListen(port, host);
  const runtime = await prepareRuntime(config);
  const app = await createHttpApp(runtime);
  onShutdownSignal(async () => {
    await app.close();
    await runtime.stop();
  });
  await app.listen(port, host).catch(async (error: NodeJS.ErrnoException) => {
    // Taken since the check above. Closing a server that never listened may fail too: the listen error is the one to tell.
    await app.close().catch(() => undefined);
    await runtime.stop();
    throw listenError(error, port, host);
  });
  const url = `http://localhost:${port}/graphql`;
  const logger = new Logger('Tessera');
  logger.log(`GraphQL API${runtime.config.graphql.graphiql ? ' and playground' : ''} at ${url}`);
  if (runtime.config.seedDemo) {
    // After listen: a failure here (the database going away meanwhile) must not take down an API that is serving.
    const signIn = await seedDemoIfEmpty(app).catch((error: unknown) => {
      logger.error({ message: 'The demo data could not be loaded; the API runs on without it', error: String(error) });
      return null;
    });
    if (signIn) logger.log(`Demo data ready. Open ${url} and sign in as ${signIn.email} / ${signIn.password}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
