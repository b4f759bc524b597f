import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTransport } from 'nodemailer';
import { gql, ratio, rss, scaled, seconds, startEnvironment, startSmtpSink } from '../lib.mjs';

/** Starts its own API: the one with SMTP_URL pointing at this scenario's SMTP sink. */
export const ownEnvironment = true;

const BATCH = 500; // inviteByEmail takes at most 500 addresses per call
const POOL = { pool: true, maxConnections: 5 }; // as Tessera's SMTP transport (src/notifications/mail-transport.ts)
const FROM = 'Tessera <no-reply@tessera.local>'; // Tessera's default MAIL_FROM
const IN_FLIGHT = 100; // baseline messages handed to nodemailer at a time
const TIMEOUT_MS = 600_000;

/**
 * 10,000 e-mail invitations to an SMTP server: from the first inviteByEmail call until the
 * delivery log shows every message SENT. Baseline: nodemailer sending as many pre-rendered
 * invitations of the same size to the same server through a pool of the same size.
 */
export default async function mail() {
  const COUNT = scaled(10_000);
  const sink = await startSmtpSink();
  try {
    const baselineMs = await baseline(sink, COUNT);
    const env = await startEnvironment({ env: { SMTP_URL: sink.url } });
    try {
      const { tessera, invitesMs } = await invitations(env, sink, COUNT);
      const rate = (ms) => COUNT / (ms / 1000);
      const achieved = rate(tessera) / rate(baselineMs);
      const perSecond = (ms) => `${Math.round(rate(ms)).toLocaleString('en')} messages/s`;
      return [
        {
          scenario: `mail: ${COUNT.toLocaleString('en')} invitations → all SENT over SMTP (pool of 5)`,
          tessera: `${seconds(tessera)} (${perSecond(tessera)}; invitations made in ${seconds(invitesMs)})`,
          baseline: `${seconds(baselineMs)} (${perSecond(baselineMs)}, nodemailer pool)`,
          ratio: ratio(rate(tessera), rate(baselineMs)),
          target: '≥ 0.7×',
          met: achieved >= 0.7,
          rss: await rss(env.apiPid),
        },
      ];
    } finally {
      await env.stop();
    }
  } finally {
    await sink.stop();
  }
}

async function invitations({ url, db, admin }, sink, count) {
  const { organization, price } = await demoPrice(db);
  await addSeats(db, organization, price, count);
  const receivedBefore = await sink.received();
  const started = performance.now();
  for (let from = 0; from < count; from += BATCH) {
    const emails = Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => `invitee${from + i}@example.test`);
    const result = await gql(url, admin, `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { seatsRemaining } }`, {
      input: { organizationId: organization, priceId: price, emails },
    });
    if (result.errors) throw new Error(`inviteByEmail failed: ${JSON.stringify(result.errors)}`);
  }
  const invitesMs = performance.now() - started;
  const sentDuringInvites = await sentCount(db);
  for (;;) {
    const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM message WHERE kind = 'INVITATION' GROUP BY status`);
    const by = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    if ((by.SENT ?? 0) >= count) break;
    if (by.FAILED) throw new Error(`${by.FAILED} invitation mails FAILED: ${JSON.stringify(by)}`);
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`Not all invitation mails were sent in time: ${JSON.stringify(by)}`);
    await sleep(100);
  }
  const tessera = performance.now() - started;
  const received = (await sink.received()) - receivedBefore;
  if (received < count) throw new Error(`The SMTP server received ${received} of ${count} invitation mails`);
  // How the time splits, for reading the figure: sending while invitations were still being made, and after.
  const after = (count - sentDuringInvites) / ((tessera - invitesMs) / 1000);
  console.error(
    `  mail: invitations made in ${seconds(invitesMs)} (${Math.round(count / (invitesMs / 1000))}/s), ${sentDuringInvites} sent meanwhile; ` +
      `the other ${count - sentDuringInvites} sent in ${seconds(tessera - invitesMs)} (${Math.round(after)} messages/s)`,
  );
  return { tessera, invitesMs };
}

async function sentCount(db) {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM message WHERE kind = 'INVITATION' AND status = 'SENT'`);
  return rows[0].n;
}

/** The demo organisation and its MENTEE price (the demo seed finishes shortly after the API starts). */
async function demoPrice(db) {
  for (let i = 0; ; i++) {
    const { rows } = await db.query(
      `SELECT o.id AS organization, p.id AS price
         FROM organization o JOIN product pr ON pr.owner_organization_id = o.id JOIN price p ON p.product_id = pr.id
        WHERE o.slug = 'demo-mentoring' AND p.price_code = 'MENTEE'`,
    );
    if (rows[0]) return rows[0];
    if (i > 100) throw new Error('The demo price did not appear');
    await sleep(200);
  }
}

/** `count` free seats of the price: one imported batch of AVAILABLE codes outside any contract. */
async function addSeats(db, organization, price, count) {
  const batch = randomUUID();
  await db.query(
    `INSERT INTO code_batch (id, organization_id, source, status, progress, requested_quantity, created_count, price_id, completed_at)
     VALUES ($1, $2, 'IMPORTED', 'COMPLETED', 100, $3, $3, $4, now())`,
    [batch, organization, count, price],
  );
  await db.query(
    `INSERT INTO code (id, organization_id, batch_id, code, status, price_id)
     SELECT id, $1, $2, 'MAILBENCH' || lpad(n::text, 8, '0'), 'AVAILABLE', $3
       FROM unnest($4::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [organization, batch, price, Array.from({ length: count }, () => randomUUID())],
  );
}

/** nodemailer alone: one invitation rendered once with Tessera's own template, sent `count` times. */
async function baseline(sink, count) {
  const require = createRequire(import.meta.url);
  const { renderMessage } = require('../../dist/src/notifications/template-renderer.js');
  const { DEFAULT_TEMPLATES } = require('../../dist/src/notifications/default-templates.js');
  const rendered = renderMessage(DEFAULT_TEMPLATES.INVITATION, {
    recipient: { firstName: '', lastName: '', email: 'invitee0@example.test' },
    organization: { name: 'Demo Mentoring Programme' },
    product: { name: 'Mentoring Programme 2026' },
    message: null,
    expiresAt: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
    acceptUrl: `http://localhost:3000/invitations/accept?token=${randomBytes(32).toString('base64url')}`,
  });
  const transporter = createTransport({ url: sink.url, ...POOL });
  try {
    const before = await sink.received();
    const started = performance.now();
    // A steady 100 in flight keeps the pool busy; handing nodemailer all 10,000 at once is slower.
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < count; i = next++) {
        await transporter.sendMail({
          from: FROM,
          to: `baseline${i}@example.test`,
          ...rendered,
          headers: { 'X-Tessera-Message-Id': randomUUID() },
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    const ms = performance.now() - started;
    const received = (await sink.received()) - before;
    if (received < count) throw new Error(`The SMTP server received ${received} of ${count} baseline mails`);
    return ms;
  } finally {
    transporter.close();
  }
}
