import { INestApplication, INestApplicationContext, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { playgroundMiddleware } from './api/playground/playground';
import { ADMIN_PATH, QueueBoard } from './api/queue-board';
import { rootRoutes } from './api/root';
import { securityHeaders } from './api/security-headers';
import { SUBSCRIPTIONS_PATH } from './api/subscriptions';
import { guardedUploads } from './api/upload-guard';
import { AppModule } from './app.module';
import { AppConfig, loadConfig, StartupError } from './config/config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';
import { AppLogger } from './logging/app-logger';

/**
 * Reads ./.env (the working directory's) into process.env when the file exists, before the
 * configuration is loaded: a variable already set in the environment is kept. Node's own parser
 * (the one of `node --env-file-if-exists=.env`, which does the same where a start command passes it).
 */
export function loadDotEnv(file = '.env'): void {
  if (!existsSync(file)) return;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}

/** Another process listens on the API's port: start-up stops with this one line. */
export class PortInUseError extends StartupError {
  override name = 'PortInUseError';

  constructor(port: number, host: string) {
    super(`Port ${port} is in use${host === '0.0.0.0' ? '' : ` on ${host}`}: stop what uses it or start with PORT=${port + 1} npm start`);
  }
}

/** A failed listen as one start-up line: PortInUseError for a taken port. */
export function listenError(error: NodeJS.ErrnoException, port: number, host: string): StartupError {
  if (error.code === 'EADDRINUSE') return new PortInUseError(port, host);
  return new StartupError(`Cannot listen on ${host}:${port} (HOST, PORT): ${error.message}`);
}

/**
 * Fails fast with one line when the API cannot listen (the port is taken, a HOST not of this
 * machine, a privileged port), before the database starts and before Nest logs anything. Should
 * the port be taken in between, the API's own listen reports the same line.
 */
export async function assertCanListen(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** What a process needs before Nest starts: valid config, a database, its schema. */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  embedded: boolean;
  /** Stops what the runtime started (the embedded database). */
  stop(): Promise<void>;
}

export async function prepareRuntime(config: AppConfig = loadConfig()): Promise<Runtime> {
  // Lines logged before Nest starts (database, migrations) get the configured format too.
  Logger.overrideLogger(new AppLogger(config.log));
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.dataDir);
  const databaseUrl = config.database.url ?? embedded!.url;
  try {
    const tokenSecret = config.auth.tokenSecret ?? (await localSecret(config.dataDir));
    if (config.database.runMigrations) await runMigrations(databaseUrl).catch((error: unknown) => failDatabase(databaseUrl, error));
    return {
      config: { ...config, auth: { ...config.auth, tokenSecret } },
      databaseUrl,
      embedded: Boolean(embedded),
      stop: async () => embedded?.stop(),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function failDatabase(url: string, error: unknown): never {
  const where = new URL(url);
  where.password = where.password ? '***' : '';
  throw new StartupError(
    `Cannot use the database at DATABASE_URL (${where.toString()}): ${error instanceof Error ? error.message : String(error)}`,
  );
}

/** The API process: GraphQL, the playground and health checks (and workers unless WORKERS=off). */
export async function createHttpApp(runtime: Runtime, extraModules: Type[] = []): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config: runtime.config, databaseUrl: runtime.databaseUrl, http: true, extraModules }),
    {
      logger: new AppLogger(runtime.config.log),
    },
  );
  limitConnections(app.getHttpServer() as Server, runtime.config.httpTimeouts);
  refuseStrayUpgrades(app.getHttpServer() as Server);
  app.set('trust proxy', runtime.config.http.trustProxy);
  const { corsOrigins } = runtime.config.http;
  if (corsOrigins.length > 0) {
    // Tokens travel in headers, never in cookies: no credentials, so no cookie of ours rides along.
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id', 'apollo-require-preflight'],
      exposedHeaders: ['x-request-id', 'content-disposition', 'retry-after'],
      maxAge: 600,
    });
  }
  // Which framework answers is nobody's business.
  app.disable('x-powered-by');
  app.use(securityHeaders());
  if (runtime.config.graphql.graphiql) app.use(playgroundMiddleware(() => app.get(GraphQLSchemaHost).schema));
  app.use(rootRoutes({ playground: runtime.config.graphql.graphiql }));
  app.use(ADMIN_PATH, app.get(QueueBoard).router());
  // Pastes of many codes exceed the 100 kB default; files come as multipart uploads instead.
  app.useBodyParser('json', { limit: '10mb' });
  app.use('/graphql', guardedUploads(graphqlUploadExpress({ maxFileSize: runtime.config.uploads.maxBytes + 1, maxFiles: 1 })));
  return app;
}

/**
 * Node's own limits let a client hold a connection for ever: no idle limit at all, and once a
 * request has been received, none of the others apply while the server is silent on it. Each
 * connection now has its headers, request, keep-alive and idle time bounded.
 */
function limitConnections(server: Server, timeouts: AppConfig['httpTimeouts']): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  // With no 'timeout' listener, Node destroys a socket silent this long.
  server.setTimeout(timeouts.idleMs);
}

/**
 * Only the GraphQL endpoint takes WebSocket upgrades (subscriptions; the ws server answers those,
 * and refuses a path that is not exactly its own). Node hands an upgrading socket to the 'upgrade'
 * listeners and forgets it, timeouts included: one for another path would stay open for ever.
 */
function refuseStrayUpgrades(server: Server): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    if (request.url?.startsWith(SUBSCRIPTIONS_PATH)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

/** A process without HTTP: queue workers, or the CLI. */
export function createAppContext(
  runtime: Runtime,
  options: { workers?: boolean; extraModules?: Type[] } = {},
): Promise<INestApplicationContext> {
  const config = { ...runtime.config, queue: { ...runtime.config.queue, workers: options.workers ?? runtime.config.queue.workers } };
  const module = AppModule.register({ config, databaseUrl: runtime.databaseUrl, http: false, extraModules: options.extraModules });
  return NestFactory.createApplicationContext(module, {
    logger: new AppLogger(runtime.config.log),
  });
}

/** Zero-setup mode keeps its token secret under DATA_DIR, so sign-ins survive restarts. */
async function localSecret(dataDir: string): Promise<string> {
  const file = join(resolve(dataDir), 'auth-token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    await mkdir(resolve(dataDir), { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
    new Logger('Runtime').log(`Created a token secret in ${file}`);
    return secret;
  }
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Runtime').log(`${signal} received, shutting down`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}
