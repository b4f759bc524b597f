import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../../../src/database/embedded-postgres';
import { runMigrations } from '../../../src/database/migrate';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by the global set-up for the test files: the server and the migrated template database. */
export const TEST_SERVER_URL = 'TESSERA_TEST_SERVER_URL';
export const TEST_TEMPLATE_DB = 'TESSERA_TEST_TEMPLATE_DB';

// One template per checkout: test runs of two clones (CI, a second worktree) on one server must not drop each other's.
const TEMPLATE = `tessera_test_template_${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 10)}`;

let stopEmbedded: (() => Promise<void>) | undefined;
let embeddedDir: string | undefined;

/**
 * Jest global set-up: a PostgreSQL server (DATABASE_URL, or an embedded one), a template database
 * migrated once that every test file clones (fast), and a check that Redis is there when required.
 */
export async function setUpTestEnvironment(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embeddedDir = await mkdtemp(join(tmpdir(), 'tessera-test-pg-'));
    // A throw-away cluster: durability across a power cut buys nothing here and costs every commit a flush.
    const embedded = await startEmbeddedPostgres(embeddedDir, {
      persistent: false,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    stopEmbedded = embedded.stop;
    serverUrl = embedded.url;
  }
  await withAdminConnection(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  });
  await runMigrations(databaseUrl(serverUrl, TEMPLATE));
  process.env[TEST_SERVER_URL] = serverUrl;
  process.env[TEST_TEMPLATE_DB] = TEMPLATE;
  await checkRedis();
}

export async function tearDownTestEnvironment(): Promise<void> {
  await stopEmbedded?.();
  if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
}

async function checkRedis(): Promise<void> {
  const url = process.env.REDIS_URL;
  if (!url) {
    if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but REDIS_URL is not set: the Redis-backed tests cannot run.');
    console.warn('\n\u26a0  REDIS_URL is not set: queues run inline, and the Redis-backed (Bull) tests are NOT run.\n');
    return;
  }
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`REDIS_URL=${url} does not answer: ${String(error)}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminConnection<T>(serverUrl: string, fn: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, 'postgres') }).initialize();
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}
