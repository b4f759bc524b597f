import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { eventually, Fixtures, freePort, Person, SmtpSink, TestApp } from '@tessera/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Organization } from '../../src/identity/entities/organization.entity';
import { describeWith, findOnPath } from '../../libs/testing/src/programs';

const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
/** How long Redis is away; `REDIS_OUTAGE_SECONDS` shortens it for trying the test out. */
const OUTAGE_MS = Number(process.env.REDIS_OUTAGE_SECONDS ?? 30) * 1000;
const INVITE_EVERY_MS = 1500;
/** This test starts and kills a Redis of its own, whether or not REDIS_URL is set. */
const REDIS_SERVER = findOnPath('redis-server');

/** A redis-server of this test's own (nothing kept on disk), on `port`. */
async function startRedis(port: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  child.stdout.resume();
  return {
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

describeWith({
  spec: 'redis-outage',
  program: 'redis-server',
  found: REDIS_SERVER,
  install: 'redis-server (Debian: apt-get install redis-server; macOS: brew install redis)',
  requiredBy: 'REQUIRE_REDIS',
})('reliability: Redis goes away while invitations are made', () => {
  let smtp: SmtpSink;
  let port: number;
  let redis: { stop(): Promise<void> };
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let priceId: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    port = await freePort();
    redis = await startRedis(port);
    t = await TestApp.create({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, SMTP_URL: smtp.url, OUTBOX_SWEEP_INTERVAL_MS: '500', OUTBOX_SWEEP_AFTER_MS: '1000' },
    });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Outage Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Outage course', accessDays: 30 }));
    await fixtures.codes(organization, { quantity: 60, priceId });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await smtp?.close();
  });

  const invite = (email: string) =>
    admin.client.request<{ inviteByEmail: { invitations: { id: string }[] } }>(INVITE, {
      input: { organizationId: organization.id, priceId, emails: [email] },
    });

  it(`answers every mutation during a ${OUTAGE_MS / 1000} s outage and sends every mail once Redis is back`, async () => {
    // The path works before the outage.
    expect((await invite('before@example.test')).errors).toBeUndefined();
    await eventually(() => expect(smtp.mailsTo('before@example.test')).toHaveLength(1), { timeoutMs: 15_000 });

    await redis.stop();
    const during: string[] = [];
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      const email = `during${during.length}@example.test`;
      const result = await invite(email);
      expect(result.errors).toBeUndefined();
      during.push(email);
      await sleep(INVITE_EVERY_MS);
    }
    expect((await fetch(`${t.url}/health/ready`)).status).toBe(503);
    expect(smtp.mailsTo('during0@example.test')).toHaveLength(0);

    redis = await startRedis(port);
    // The outbox kept every invitation's mail event; the sweeper relays them once Bull reconnects.
    await eventually(() => expect(during.filter((email) => smtp.mailsTo(email).length === 1)).toEqual(during), { timeoutMs: 60_000 });
    await eventually(async () => expect((await fetch(`${t.url}/health/ready`)).status).toBe(200));
    // Jobs Bull buffered during the outage run when it reconnects, so the mail can arrive before the
    // sweeper's round marks its event relayed (a row a worker is settling that instant waits a round).
    await eventually(async () => {
      const [{ unrelayed }] = await t.dataSource.query(`SELECT count(*)::int AS unrelayed FROM domain_event WHERE relayed_at IS NULL`);
      expect(unrelayed).toBe(0);
    });
    // Nothing sent twice.
    expect(during.every((email) => smtp.mailsTo(email).length === 1)).toBe(true);
  }, 180_000);
});
