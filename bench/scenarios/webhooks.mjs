import Bull from 'bull';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeOf, demoOrganization, makeCodes, makePeople, redeemLoad, signIn } from '../fixtures.mjs';
import { cpuSecondsOf, elapsed, gql, ratio, rss, scaled, seconds, startEnvironment, startHelperServer } from '../lib.mjs';

/** Starts its own API: one that may post to 127.0.0.1, with its worker concurrency pinned (below). */
export const ownEnvironment = true;

/** It pauses the webhooks queue and counts on its workers' concurrency: Bull's, which needs Redis. */
export function unavailable() {
  return process.env.REDIS_URL
    ? undefined
    : 'needs REDIS_URL=redis://… (Bull; `docker compose up -d redis` starts one): the inline queue can neither be paused nor limit its workers';
}

const require = createRequire(import.meta.url);
const { loadConfig } = require('../../dist/src/config/config.js');
const { signWebhook } = require('../../dist/src/webhooks/delivery/standard-webhooks.js');

/** The webhooks queue's workers per process (WORKER_CONCURRENCY's default; no per-queue limit for it): the baseline posts as many at a time. */
const CONCURRENCY = loadConfig({}).queue.concurrency;
const WEBHOOKS_QUEUE = 'webhooks'; // src/webhooks/webhooks.queue.ts
const CLIENTS = 32; // redemption clients, as the redeem scenario
const PASSWORD = 'bench-webhooks-password';
const TARGET_RATIO = 0.7;
const TIMEOUT_MS = 300_000;

/**
 * code.redeemed webhooks to one receiver on 127.0.0.1 (a child process: node:http, 204, arrival
 * time per webhook-id, a sample of signatures checked).
 *
 * Rate: the webhooks queue is paused (Bull's global pause) while 10,000 codes are redeemed by 32
 * clients, until every delivery row is made and the API is idle again; then resumed. Deliveries/s
 * from the first to the last arrival: the delivery pipeline alone (claim, seal opened, signed,
 * posted on a new connection, attempt recorded), not the redemption rate. Baseline: the same bodies
 * (the stored payloads), signed with signWebhook from the build, posted by a bare node:http loop
 * CONCURRENCY at a time to the same receiver, on a new connection each (as Tessera must, to check
 * each connection's address); the keep-alive figure is shown beside it.
 *
 * Latency: before that, on the idle API, codes redeemed by one client one at a time; commit time is
 * the event's occurred_at (domain_event, id = webhook-id), stamped in the transaction a few
 * milliseconds before its commit, so the figure errs long; delivery is the receiver's arrival time.
 */
export default async function webhooks() {
  const COUNT = scaled(10_000);
  const IDLE_COUNT = scaled(200);
  const PEOPLE = Math.max(CLIENTS, scaled(100));
  const receiver = await startWebhookReceiver();
  try {
    const env = await startEnvironment({
      env: {
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WORKER_CONCURRENCY: String(CONCURRENCY),
        // The deliveries wait in the paused queue on purpose: the sweeper must not take them for lost.
        WEBHOOK_OVERDUE_AFTER_MS: '3600000',
      },
    });
    try {
      return await run(env, receiver, { COUNT, IDLE_COUNT, PEOPLE });
    } finally {
      await env.stop();
    }
  } finally {
    await receiver.stop();
  }
}

async function run({ url, db, admin, apiPid }, receiver, { COUNT, IDLE_COUNT, PEOPLE }) {
  const org = await demoOrganization(db);
  const created = await gql(
    url,
    admin,
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { id } secret } }`,
    { input: { organizationId: org, url: `${receiver.url}/tessera`, eventTypes: ['code.redeemed'], description: 'Benchmark receiver' } },
  );
  if (created.errors) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(created.errors)}`);
  const { secret } = created.data.createWebhookEndpoint;
  const endpointId = created.data.createWebhookEndpoint.webhookEndpoint.id;
  await receiver.ask({ type: 'secret', secret });

  let started = performance.now();
  const people = await makePeople(db, { name: 'hooked', count: PEOPLE, password: PASSWORD });
  await makeCodes(db, org, { prefix: 'WL', count: IDLE_COUNT, people: PEOPLE });
  await makeCodes(db, org, { prefix: 'WB', count: COUNT, people: PEOPLE });
  const tokens = await signIn(url, people);
  console.error(
    `  webhooks: ${PEOPLE} people signed in, ${(COUNT + IDLE_COUNT).toLocaleString('en')} codes made in ${seconds(elapsed(started))}`,
  );

  // Latency on the idle API: one redemption at a time.
  for (let k = 0; k < IDLE_COUNT; k++) {
    const result = await gql(url, tokens[k % PEOPLE], `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`, {
      code: codeOf('WL', k),
    });
    if (result.errors) throw new Error(`redeemCode failed: ${JSON.stringify(result.errors)}`);
  }
  const idle = await arrivalsOf(receiver, db, endpointId, IDLE_COUNT);
  const occurred = await db.query(
    `SELECT id, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms FROM domain_event WHERE id = ANY($1::uuid[])`,
    [idle.arrivals.map(([id]) => id)],
  );
  if (occurred.rows.length !== IDLE_COUNT)
    throw new Error(`webhooks: ${occurred.rows.length} of ${IDLE_COUNT} webhook-ids are no domain event`);
  const arrivedAt = new Map(idle.arrivals);
  const latencies = occurred.rows.map((row) => arrivedAt.get(row.id) - row.ms).sort((a, b) => a - b);
  const [p50, p95, p99] = [0.5, 0.95, 0.99].map((q) => latencies[Math.ceil(q * latencies.length) - 1]);
  console.error(
    `  webhooks: commit → delivery, ${IDLE_COUNT} redemptions one at a time: p50 ${p50.toFixed(1)} / p95 ${p95.toFixed(1)} / p99 ${p99.toFixed(1)} / max ${latencies.at(-1).toFixed(1)} ms`,
  );

  // Rate: the deliveries of COUNT redemptions queued while the queue is paused, then drained.
  await receiver.ask({ type: 'reset' });
  const queue = new Bull(WEBHOOKS_QUEUE, process.env.REDIS_URL, { prefix: await queuePrefix(db) });
  let drained;
  try {
    await queue.pause();
    started = performance.now();
    const load = await redeemLoad({
      target: `${url}/graphql`,
      connections: CLIENTS,
      durationSeconds: TIMEOUT_MS / 1000,
      tokens,
      prefix: 'WB',
      count: COUNT,
    });
    const failures = load.failed + load.errors + load.timeouts;
    if (load.ok !== COUNT || failures)
      throw new Error(`webhooks: ${load.ok} of ${COUNT} redemptions succeeded, e.g. ${load.samples.join(' | ')}`);
    console.error(
      `  webhooks: ${COUNT.toLocaleString('en')} codes redeemed in ${load.seconds.toFixed(1)} s (${Math.round(COUNT / load.seconds)}/s, ${CLIENTS} clients)`,
    );
    await settled(db, endpointId, IDLE_COUNT + COUNT);
    console.error(
      `  webhooks: ${COUNT.toLocaleString('en')} deliveries queued, the API idle, ${seconds(elapsed(started))} after the first redemption`,
    );
    if ((await receiver.ask({ type: 'count' })).count) throw new Error('webhooks: deliveries arrived while the queue was paused');
    const cpuBefore = await cpuSecondsOf(apiPid);
    await queue.resume();
    drained = await arrivalsOf(receiver, db, endpointId, COUNT);
    // Where the time goes: the API's CPU per delivery, and how long its HTTP attempt took (its own measure).
    const cpuMs = (1000 * ((await cpuSecondsOf(apiPid)) - cpuBefore)) / COUNT;
    const attempts = await db.query(
      `SELECT avg(a.duration_ms)::float8 AS ms FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
      [endpointId],
    );
    console.error(
      `  webhooks: drained with ${cpuMs.toFixed(2)} ms of API CPU per delivery; an attempt's HTTP exchange took ${attempts.rows[0].ms.toFixed(1)} ms on average`,
    );
  } finally {
    await queue.close();
  }
  const tessera = rateOf(drained.arrivals);
  const peak = await rss(apiPid);

  const { rows } = await db.query(
    `SELECT event_id, payload FROM webhook_delivery WHERE endpoint_id = $1 AND event_id = ANY($2::uuid[]) ORDER BY created_at`,
    [endpointId, drained.arrivals.map(([id]) => id)],
  );
  const bodies = rows.map((row) => ({ id: row.event_id, body: JSON.stringify(row.payload) }));
  const fresh = await baseline(receiver, secret, bodies, false);
  const keepAlive = await baseline(receiver, secret, bodies, true);
  console.error(
    `  webhooks: Tessera ${perSecond(tessera)} (${seconds(tessera.spanMs)}), baseline ${perSecond(fresh)} on new connections, ${perSecond(keepAlive)} with keep-alive; ` +
      `signatures checked: ${drained.verified} of Tessera's, ${fresh.verified + keepAlive.verified} of the baseline's`,
  );

  return [
    {
      scenario: `webhooks: ${COUNT.toLocaleString('en')} redemptions' code.redeemed → one receiver (queued, then drained; ${CONCURRENCY} workers)`,
      tessera: `${perSecond(tessera)} (${seconds(tessera.spanMs)} first to last arrival)`,
      baseline: `${perSecond(fresh)} (node:http, ${CONCURRENCY} at a time, new connection each; keep-alive ${perSecond(keepAlive)})`,
      ratio: ratio(tessera.perSecond, fresh.perSecond),
      target: `≥ ${TARGET_RATIO}×`,
      met: tessera.perSecond >= TARGET_RATIO * fresh.perSecond,
      rss: peak,
    },
    {
      scenario: `webhooks: commit → delivery, ${IDLE_COUNT} redemptions one at a time (p50 / p95 / p99)`,
      tessera: `${p50.toFixed(0)} / ${p95.toFixed(0)} / ${p99.toFixed(0)} ms`,
      rss: peak,
    },
  ];
}

const perSecond = (r) => `${Math.round(r.perSecond).toLocaleString('en')} deliveries/s`;

/** Deliveries a second from the first arrival to the last. */
function rateOf(arrivals) {
  const times = arrivals.map(([, ms]) => ms);
  const spanMs = Math.max(1, Math.max(...times) - Math.min(...times));
  return { spanMs, perSecond: arrivals.length / (spanMs / 1000) };
}

/** Waits until the receiver has `count` distinct webhook-ids; its report. Fails on a FAILED delivery, a bad signature or the time running out. */
async function arrivalsOf(receiver, db, endpointId, count) {
  const until = performance.now() + TIMEOUT_MS;
  while ((await receiver.ask({ type: 'count' })).count < count) {
    const failed = await db.query(
      `SELECT count(*)::int AS n, min(last_error) AS error FROM webhook_delivery WHERE endpoint_id = $1 AND status = 'FAILED'`,
      [endpointId],
    );
    if (failed.rows[0].n) throw new Error(`webhooks: ${failed.rows[0].n} deliveries FAILED, e.g. ${failed.rows[0].error}`);
    if (performance.now() > until)
      throw new Error(`webhooks: ${(await receiver.ask({ type: 'count' })).count} of ${count} deliveries arrived in time`);
    await sleep(20);
  }
  const report = await receiver.ask({ type: 'report' });
  if (report.badSignatures) throw new Error(`webhooks: ${report.badSignatures} deliveries had a bad signature`);
  if (!report.verified) throw new Error('webhooks: no signature was checked');
  return report;
}

/** Waits until the endpoint has `count` deliveries and the API has nothing else left to do (outbox relayed, mail sent). */
async function settled(db, endpointId, count) {
  const until = performance.now() + TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM webhook_delivery WHERE endpoint_id = $1)::int AS deliveries,
              (SELECT count(*) FROM domain_event WHERE relayed_at IS NULL)::int
            + (SELECT count(*) FROM message WHERE status IN ('QUEUED', 'RETRYING'))::int AS waiting`,
      [endpointId],
    );
    if (rows[0].deliveries >= count && rows[0].waiting === 0) return;
    if (performance.now() > until)
      throw new Error(`webhooks: ${rows[0].deliveries} of ${count} deliveries made, ${rows[0].waiting} events or mails waiting`);
    await sleep(200);
  }
}

/** Bull's key prefix of the API (bench/lib.mjs gives it the name of its database). */
async function queuePrefix(db) {
  return (await db.query('SELECT current_database() AS name')).rows[0].name;
}

/** The bare loop: each body signed as the processor signs it and posted, `CONCURRENCY` at a time; rate from the receiver's arrivals. */
async function baseline(receiver, secret, bodies, keepAlive) {
  await receiver.ask({ type: 'reset' });
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) : false;
  let next = 0;
  const poster = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const { id, body } = bodies[i];
      const timestamp = Math.floor(Date.now() / 1000);
      const status = await post(
        `${receiver.url}/baseline`,
        agent,
        {
          'content-type': 'application/json',
          'user-agent': 'Tessera-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook([secret], id, timestamp, body),
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      );
      if (status !== 204) throw new Error(`webhooks baseline: the receiver answered ${status}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, poster));
  } finally {
    if (agent) agent.destroy();
  }
  const report = await receiver.ask({ type: 'report' });
  if (report.arrivals.length !== bodies.length || report.badSignatures) {
    throw new Error(`webhooks baseline: ${report.arrivals.length} of ${bodies.length} arrived, ${report.badSignatures} bad signatures`);
  }
  return { ...rateOf(report.arrivals), verified: report.verified };
}

function post(url, agent, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The receiver's child process (bench/webhook-receiver.mjs): `url`, `ask(request)`, `stop()`. */
async function startWebhookReceiver() {
  const receiver = await startHelperServer(new URL('../webhook-receiver.mjs', import.meta.url), 'The webhook receiver');
  return { url: `http://127.0.0.1:${receiver.port}`, ask: receiver.ask, stop: receiver.stop };
}
