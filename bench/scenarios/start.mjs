import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiNodeFlags, freePort, rss, seconds } from '../lib.mjs';

/** Needs no shared environment: it starts the API with nothing but a fresh DATA_DIR. */
export const ownEnvironment = true;

const TIMEOUT_MS = 180_000;

/**
 * Zero-setup start: `node dist/src/main.js` without DATABASE_URL or REDIS_URL, until
 * /health/ready answers 200 (and until the log says the demo data is ready). First start: the embedded
 * PostgreSQL cluster is made, migrated and seeded; warm start: the same DATA_DIR again.
 */
export default async function zeroSetupStart() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-start-'));
  try {
    const first = await startOnce(dataDir);
    const warm = await startOnce(dataDir);
    const row = (label, run) => ({
      scenario: `start: zero-setup, ${label} → /health/ready`,
      tessera: `${seconds(run.readyMs)} (demo data ready at ${seconds(run.seededMs)})`,
      rss: run.rss,
    });
    return [row('first start (new PostgreSQL cluster, migrations, demo seed)', first), row('warm start (same DATA_DIR)', warm)];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function startOnce(dataDir) {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'AUTH_TOKEN_SECRET', 'SEED_DEMO', 'QUEUE_PREFIX', 'WORKERS'])
    delete env[name];
  const port = await freePort();
  const started = performance.now();
  const api = spawn(process.execPath, [...(await apiNodeFlags()), 'dist/src/main.js'], {
    env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'log', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let exitCode;
  const exited = new Promise((resolve) => api.once('exit', (code, signal) => resolve((exitCode = code ?? signal))));
  // The log says when the demo data is there ("Demo data ready…", after the seed); warnings and errors are passed on.
  let seededMs;
  createInterface({ input: api.stdout }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return console.error(line);
    }
    if (String(entry.message).startsWith('Demo data ready')) seededMs ??= performance.now() - started;
    if (['warn', 'error', 'fatal'].includes(entry.level)) console.error(line);
  });
  try {
    const readyMs = await until(
      started,
      () => exitCode,
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
    );
    await until(
      started,
      () => exitCode,
      async () => seededMs !== undefined,
    );
    return { readyMs, seededMs, rss: await rss(api.pid) };
  } finally {
    // SIGTERM: the API closes and stops its embedded PostgreSQL before it exits.
    if (exitCode === undefined) api.kill('SIGTERM');
    await exited;
  }
}

/** Milliseconds from `started` until `check` holds; fails if the process exits or it takes too long. */
async function until(started, exitCode, check) {
  for (;;) {
    if (exitCode() !== undefined) throw new Error(`The API exited (${exitCode()}) before it was ready`);
    if (await check().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > TIMEOUT_MS) throw new Error('The API was not ready in time');
    await sleep(25);
  }
}
