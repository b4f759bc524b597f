import { INestApplication, Type } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ROOT, staleBuildReason } from '../../../scripts/build-state.mjs';
import { loadConfig } from '../../../src/config/config';
import { createAppContext, createHttpApp, Runtime } from '../../../src/runtime';
import { GraphQLClient } from './graphql-client';
import { deleteRedisKeys } from './redis-keys';
import { databaseUrl, TEST_SERVER_URL, TEST_TEMPLATE_DB, withAdminConnection } from './test-environment';

export interface TestAppOptions {
  /** Environment overrides (e.g. WORKERS: 'off'). */
  env?: Record<string, string>;
  /** Modules the test adds (its own event handlers, say). */
  extraModules?: Type[];
}

/** Whether this run has Redis: Bull-backed tests use `describeWithRedis`. */
export const hasRedis = Boolean(process.env.REDIS_URL);
export const describeWithRedis = hasRedis ? describe : describe.skip;

/**
 * One test file's own world: a database cloned from the migrated template, a Redis key prefix,
 * and the real app listening on a free port. `close()` removes all three.
 */
export class TestApp {
  private readonly extraApps: { close(): Promise<void> }[] = [];

  private constructor(
    readonly app: INestApplication,
    readonly runtime: Runtime,
    readonly url: string,
    readonly database: string,
    /** The environment overrides the app was created with; a second API process gets them too. */
    private readonly env: Record<string, string>,
  ) {}

  static async create(options: TestAppOptions = {}): Promise<TestApp> {
    const runtime = await TestApp.runtime(options.env);
    const app = await createHttpApp(runtime, options.extraModules);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestApp(app, runtime, `http://127.0.0.1:${address.port}`, new URL(runtime.databaseUrl).pathname.slice(1), options.env ?? {});
  }

  /** A fresh database and the configuration a test process gets. */
  private static async runtime(env: Record<string, string> = {}): Promise<Runtime> {
    const serverUrl = process.env[TEST_SERVER_URL];
    const template = process.env[TEST_TEMPLATE_DB];
    if (!serverUrl || !template) throw new Error('The jest global set-up did not run (see jest.config.js).');
    const database = `tessera_test_${randomBytes(6).toString('hex')}`;
    await withAdminConnection(serverUrl, (admin) => admin.query(`CREATE DATABASE ${database} TEMPLATE ${template}`));
    const url = databaseUrl(serverUrl, database);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: `test-${database}`,
      AUTH_TOKEN_SECRET: 'test-secret-that-is-long-enough-for-hs256',
      MIGRATIONS_RUN: 'false',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
      OUTBOX_SWEEP_INTERVAL_MS: '200',
      OUTBOX_SWEEP_AFTER_MS: '500',
      ...env,
    });
    return { config, databaseUrl: url, embedded: false, stop: async () => undefined };
  }

  /** A client without credentials; `.as(token)` for one with. */
  get client(): GraphQLClient {
    return new GraphQLClient(this.url);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get<T>(type: Type<T> | string | symbol): T {
    return this.app.get(type, { strict: false });
  }

  /** A second process's view of the same database and Redis prefix: a queue worker (no HTTP). */
  async startWorker(extraModules: Type[] = []): Promise<{ get<T>(type: Type<T>): T; close(): Promise<void> }> {
    const worker = await createAppContext(this.runtime, { workers: true, extraModules });
    await worker.init();
    this.extraApps.push(worker);
    return worker;
  }

  /**
   * A real worker process (`dist/src/worker.js`, so `npm run build` first) on this app's database
   * and Redis prefix: for tests that kill one. `env` adds to the test configuration.
   */
  startWorkerProcess(env: Record<string, string> = {}): WorkerProcess {
    if (!this.runtime.config.queue.redisUrl) throw new Error('A worker process needs REDIS_URL.');
    return this.spawnBuilt('dist/src/worker.js', env);
  }

  /**
   * A second real API process (`dist/src/main.js`, so `npm run build` first) on this app's
   * database, Redis prefix and token secret, listening on a free port: for races between
   * processes. Resolves once its /health/ready answers 200. `env` adds to the test configuration.
   */
  async startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Configured as this app was; its queue work is left to this app's workers: it only answers requests.
    const child = this.spawnBuilt('dist/src/main.js', {
      ...this.env,
      SEED_DEMO: 'false',
      WORKERS: 'off',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const exitCode = await Promise.race([child.exited, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 100))]);
      if (exitCode !== 'waiting') throw new Error(`The API process exited (${exitCode}) before it was ready:\n${child.stderr()}`);
      const ready = await fetch(`${url}/health/ready`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return { ...child, url, client: new GraphQLClient(url) };
      if (Date.now() > deadline) {
        await child.kill();
        throw new Error(`The API process was not ready within 30 s:\n${child.stderr()}`);
      }
    }
  }

  /**
   * The operator CLI (`dist/src/cli.js`, so `npm run build` first) on this app's database and
   * configuration (APP_URL included, for the links it mails): runs one command to its end; its exit
   * code and what it wrote.
   */
  async runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    const child = spawn(process.execPath, [builtEntry('dist/src/cli.js'), ...args], {
      env: this.childEnv({ ...this.env, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // 'close', not 'exit': the output streams are read to their end.
    const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
    return { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
  }

  /** The environment of a child process: this app's database, Redis prefix, secrets and SMTP, plus `env`. */
  private childEnv(env: Record<string, string>): Record<string, string> {
    const { redisUrl, prefix } = this.runtime.config.queue;
    const inherited: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: this.runtime.databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      AUTH_TOKEN_SECRET: this.runtime.config.auth.tokenSecret,
      SMTP_URL: this.runtime.config.mail.smtpUrl,
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      OUTBOX_SWEEP_INTERVAL_MS: '200',
      OUTBOX_SWEEP_AFTER_MS: '500',
      ...env,
    };
    return Object.fromEntries(Object.entries(inherited).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  /** A built entry point as a child process with this app's configuration; killed on close. */
  private spawnBuilt(entry: string, env: Record<string, string>): WorkerProcess {
    const child = spawn(process.execPath, [builtEntry(entry)], {
      env: this.childEnv(env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    // Enough of the end to hold a crash's whole report (its header, the error, its emitter) after the logs before it.
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-16_000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const handle: WorkerProcess = {
      pid: child.pid!,
      exited,
      stderr: () => errors,
      kill: async (signal = 'SIGKILL') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
    this.extraApps.push({ close: () => handle.kill('SIGTERM') });
    return handle;
  }

  /** What a Redis restarted without persistence, flushed or failed over leaves of this app's queues: nothing. */
  async loseQueuedJobs(): Promise<void> {
    const { redisUrl, prefix } = this.runtime.config.queue;
    if (!redisUrl) throw new Error('Losing queued jobs needs REDIS_URL.');
    await deleteRedisKeys(redisUrl, `${prefix}:*`);
  }

  async close(): Promise<void> {
    for (const extra of this.extraApps) await extra.close();
    await this.app.close();
    const { redisUrl, prefix } = this.runtime.config.queue;
    if (redisUrl) await deleteRedisKeys(redisUrl, `${prefix}:*`);
    await withAdminConnection(process.env[TEST_SERVER_URL]!, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`),
    );
  }
}

export interface WorkerProcess {
  pid: number;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** The end of what it wrote to stderr, for a failing test's message. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A finished run of the operator CLI. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An API process started by `startApiProcess`: its address and a client for it. */
export interface ApiProcess extends WorkerProcess {
  url: string;
  client: GraphQLClient;
}

/** A port nobody listens on now (the OS picks it), for a child process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A built entry point; refuses a build older than the sources, which would test yesterday's code. */
function builtEntry(entry: string): string {
  const stale = staleBuildReason(entry);
  if (stale) throw new Error(`${stale}: run \`npm run build\` first.`);
  return join(ROOT, entry);
}
