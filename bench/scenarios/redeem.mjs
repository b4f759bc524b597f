import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { demoOrganization, makeCodes, makePeople, redeemLoad, signIn } from '../fixtures.mjs';
import { cpuSecondsOf, freePort, rss, SCALE } from '../lib.mjs';

const CONNECTIONS = 32;
/** 20 s at BENCH_SCALE=1; never under 3 s, so a scaled-down run still measures something. */
const DURATION_SECONDS = Math.max(3, Math.round(20 * SCALE));
/** People signed in for the load; each request is one of them (round robin). */
const PEOPLE = Math.max(CONNECTIONS, Math.round(400 * Math.min(1, SCALE * 4)));
/** Codes made per run (Tessera, baseline): enough for this many redemptions a second. */
const CEILING_PER_SECOND = 5000;
const PASSWORD = 'bench-redeem-password';
/** The token secret bench/lib.mjs gives the API: the baseline verifies the same tokens. */
const AUTH_TOKEN_SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const TARGET = { ratio: 0.5, perSecond: 1000, p99: 100 };

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Distinct codes redeemed through GraphQL by signed-in people, 32 clients, against the same
 * mutation on a minimal graphql-js + pg server (bench/baseline/redeem-server.mjs), load from a
 * second process (bench/load/redeem-load.mjs, autocannon).
 *
 * Every request is meant to succeed: request k redeems code k as person k % PEOPLE, and code k
 * is of product floor(k / PEOPLE). So no code is used twice and no person gets a second grant
 * for a product (one grant in force per person, product and role is a unique index). Each run
 * (baseline, then Tessera) has codes and products of its own.
 */
export default async function redeem({ url, db, apiPid, databaseUrl }) {
  const codesPerRun = CEILING_PER_SECOND * DURATION_SECONDS;
  const org = await demoOrganization(db);

  let started = performance.now();
  const people = await makePeople(db, { name: 'redeemer', count: PEOPLE, password: PASSWORD });
  for (const prefix of ['RB', 'RT']) await makeCodes(db, org, { prefix, count: codesPerRun, people: PEOPLE });
  const tokens = await signIn(url, people);
  console.error(
    `  redeem: ${PEOPLE} people signed in, ${(2 * codesPerRun).toLocaleString('en')} codes made in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  // The baseline first: its events are written as relayed and its mail rows are never claimed,
  // so it leaves no work behind for the API; Tessera's mail is still being sent after its run.
  const port = await freePort();
  const baseline = await startBaseline(databaseUrl, port);
  let base;
  try {
    const cpu = await cpuMeter(db, baseline.pid);
    base = await load(`http://127.0.0.1:${port}/graphql`, tokens, `RB`, codesPerRun);
    base.cpu = await cpu.read();
  } finally {
    await baseline.stop();
  }
  await check(db, 'baseline', 'RB', base, codesPerRun);

  const rssBefore = await rss(apiPid);
  const cpu = await cpuMeter(db, apiPid);
  const tessera = await load(`${url}/graphql`, tokens, `RT`, codesPerRun);
  tessera.cpu = await cpu.read();
  const peak = Math.max(rssBefore, await rss(apiPid));
  await check(db, 'Tessera', 'RT', tessera, codesPerRun);

  // Let the API send the confirmation mail of the run before the next scenario measures anything.
  started = performance.now();
  const drained = await drainMail(db, 'RT', 120_000);
  console.error(
    `  redeem: Tessera's ${tessera.ok.toLocaleString('en')} confirmation mails ${drained ? 'sent' : 'NOT all sent'} ${((performance.now() - started) / 1000).toFixed(1)} s after the run`,
  );

  const rate = (r) => r.ok / r.seconds;
  const text = (r) => {
    const failed = r.failed + r.errors + r.timeouts;
    return `${Math.round(rate(r)).toLocaleString('en')}/s, p99 ${r.latency.p99} ms${failed ? `, ${failed} failed` : ''}`;
  };
  return [
    {
      scenario: `redeem: distinct codes, ${CONNECTIONS} clients, ${DURATION_SECONDS} s (GraphQL, signed-in people)`,
      tessera: text(tessera),
      baseline: text(base),
      ratio: `${(rate(tessera) / rate(base)).toFixed(2)}×`,
      target: `≥ ${TARGET.ratio}× baseline, ≥ ${TARGET.perSecond.toLocaleString('en')}/s, p99 ≤ ${TARGET.p99} ms`,
      met: rate(tessera) >= TARGET.ratio * rate(base) && rate(tessera) >= TARGET.perSecond && tessera.latency.p99 <= TARGET.p99,
      rss: peak,
    },
  ];
}

function startBaseline(databaseUrl, port) {
  const child = spawn(process.execPath, [here('../baseline/redeem-server.mjs')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), AUTH_TOKEN_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`The baseline server stopped (${code})`)));
    child.stdout.once('data', () =>
      resolve({
        pid: child.pid,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      }),
    );
  });
}

/** One load run, against Tessera or the baseline; its outcome, with how many redemptions succeeded. */
function load(target, tokens, prefix, count) {
  return redeemLoad({ target, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, tokens, prefix, count });
}

/** Fails loudly when more than a few percent of the requests failed, or the database disagrees. */
async function check(db, name, prefix, result, codes) {
  const failures = result.failed + result.errors + result.timeouts;
  console.error(
    `  redeem ${name}: ${result.ok.toLocaleString('en')} redeemed in ${result.seconds.toFixed(1)} s, ${failures} failed, latency p50 ${result.latency.p50} / p90 ${result.latency.p90} / p99 ${result.latency.p99} / max ${result.latency.max} ms`,
  );
  // CPU per redemption tells the two apart even when other work shares the cores (the rate does not).
  const perRedemption = (seconds) => `${((1000 * seconds) / Math.max(result.ok, 1)).toFixed(2)} ms`;
  console.error(
    `  redeem ${name}: CPU per redemption: server ${perRedemption(result.cpu.server)}, PostgreSQL ${perRedemption(result.cpu.postgres)}`,
  );
  if (result.sent >= codes) {
    console.error(`  redeem ${name}: every code was used before the time was up; the rate is a lower bound`);
  }
  if (!result.ok || failures > 0.02 * (result.ok + failures)) {
    throw new Error(`redeem ${name}: ${failures} of ${result.ok + failures} requests failed, e.g. ${result.samples.join(' | ')}`);
  }
  const redeemed = Number(
    (await db.query(`SELECT count(*) FROM code WHERE code LIKE $1 AND status = 'REDEEMED'`, [`${prefix}%`])).rows[0].count,
  );
  // Up to one request per connection is still on its way when the time is up: done, but not counted.
  if (redeemed < result.ok || redeemed > result.ok + failures + CONNECTIONS) {
    throw new Error(`redeem ${name}: ${result.ok} successful responses but ${redeemed} codes redeemed`);
  }
}

/** Waits (at most `ms`) until the API has relayed every event and sent the mail of the run's codes; whether it got there. */
async function drainMail(db, prefix, ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM domain_event WHERE relayed_at IS NULL)
            + (SELECT count(*) FROM message m JOIN code c ON c.id = m.code_id WHERE c.code LIKE $1 AND m.status IN ('QUEUED', 'RETRYING')) AS waiting`,
      [`${prefix}%`],
    );
    if (Number(rows[0].waiting) === 0) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Measures the CPU a server process and the PostgreSQL backends of this database use from now until read(). */
async function cpuMeter(db, serverPid) {
  const backends = async () =>
    (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map(
      (row) => row.pid,
    );
  const sum = async (pids) => (await Promise.all(pids.map(cpuSecondsOf))).reduce((a, b) => a + b, 0);
  const before = new Map();
  for (const pid of await backends()) before.set(pid, await cpuSecondsOf(pid));
  const serverBefore = await cpuSecondsOf(serverPid);
  return {
    async read() {
      const now = await backends();
      const postgres = (await sum(now)) - now.reduce((total, pid) => total + (before.get(pid) ?? 0), 0);
      return { server: (await cpuSecondsOf(serverPid)) - serverBefore, postgres };
    },
  };
}
