import { newId, SecretBox } from '@tessera/common';
import { describeWithRedis, eventually, Fixtures, TestApp, WebhookReceiver } from '@tessera/testing';
import { newWebhookSecret } from '../../src/webhooks/delivery/standard-webhooks';
import { WebhookDeliveryQueue } from '../../src/webhooks/delivery/webhook-delivery-queue';

const DELIVERIES = Number(process.env.WEBHOOK_CRASH_DELIVERIES ?? 300);
/** The receiver takes this long to answer each delivery, so many are in flight at the kill. */
const ANSWER_MS = 300;
/** What a worker needs to give up a dead worker's deliveries within seconds, not minutes. */
const FAST_RECOVERY = {
  QUEUE_LOCK_MS: '2000',
  QUEUE_STALLED_CHECK_MS: '1000',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_LEASE_MARGIN_MS: '500',
  WEBHOOK_OVERDUE_AFTER_MS: '500',
  WEBHOOK_SWEEP_INTERVAL_MS: '300',
  WEBHOOK_RETRY_BASE_MS: '100',
};

describeWithRedis('webhooks: a worker process killed mid-delivery', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const secret = newWebhookSecret();
  /** Each signed request as the receiver saw it: its webhook-id, when it came and when it was answered. */
  const requests: { id: string; at: number; answeredAt: number | null }[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start({
      secret,
      answer: ({ webhookId }, res) => {
        const request = { id: webhookId!, at: Date.now(), answeredAt: null as number | null };
        requests.push(request);
        setTimeout(() => {
          request.answeredAt = Date.now();
          res.writeHead(204).end();
        }, ANSWER_MS);
      },
    });
    // The API only enqueues; worker processes deliver.
    t = await TestApp.create({ env: { WORKERS: 'off', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('delivers every delivery after a restart; repeats only of those in flight at the kill; the log agrees', async () => {
    const { organization } = await new Fixtures(t).organization('Crash Hooks');
    const endpointId = newId();
    // webhook.test only: the organisation's own setup events (member.added) are not part of this count.
    await t.dataSource.query(
      `INSERT INTO webhook_endpoint (id, organization_id, url, event_types, secret_sealed) VALUES ($1, $2, $3, '{webhook.test}', $4)`,
      [
        endpointId,
        organization.id,
        `${receiver.url}/hooks`,
        new SecretBox(t.runtime.config.auth.tokenSecret!, 'webhook-secret').seal(secret),
      ],
    );
    const eventIds = Array.from({ length: DELIVERIES }, () => newId());
    const queued = await t.dataSource.query<{ id: string; attemptCount: number }[]>(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, organization_id, payload, next_attempt_at)
       SELECT gen_random_uuid(), $1, e.id, 'webhook.test', $2,
              jsonb_build_object('id', e.id, 'type', 'webhook.test', 'occurredAt', now(), 'organizationId', $2::uuid,
                                 'data', jsonb_build_object('webhookEndpointId', $1::uuid)), now()
         FROM unnest($3::uuid[]) AS e(id)
       RETURNING id, attempt_count AS "attemptCount"`,
      [endpointId, organization.id, eventIds],
    );
    await t.get(WebhookDeliveryQueue).enqueue(queued);

    const first = t.startWorkerProcess(FAST_RECOVERY);
    await eventually(() => expect(requests.filter((r) => r.answeredAt).length).toBeGreaterThanOrEqual(Math.round(DELIVERIES / 5)), {
      timeoutMs: 60_000,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nworker stderr:\n${first.stderr()}`);
    });
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    // In flight at the kill: sent to the receiver, and not answered, or answered too recently for
    // the worker to have recorded it.
    const inFlight = requests.filter((r) => r.answeredAt === null || r.answeredAt > killedAt - 1000).length;
    const [{ delivered: deliveredBeforeRestart }] = await t.dataSource.query(
      `SELECT count(*)::int AS delivered FROM webhook_delivery WHERE endpoint_id = $1 AND status = 'DELIVERED'`,
      [endpointId],
    );
    expect(deliveredBeforeRestart).toBeGreaterThan(0);
    expect(deliveredBeforeRestart).toBeLessThan(DELIVERIES);

    const second = t.startWorkerProcess(FAST_RECOVERY);
    await eventually(
      async () => {
        const [{ delivered }] = await t.dataSource.query(
          `SELECT count(*)::int AS delivered FROM webhook_delivery WHERE endpoint_id = $1 AND status = 'DELIVERED'`,
          [endpointId],
        );
        expect(delivered).toBe(DELIVERIES);
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nworker stderr:\n${second.stderr()}`);
    });
    await eventually(() => expect(requests.every((r) => r.answeredAt !== null)).toBe(true));

    expect(receiver.badSignatures).toEqual([]);
    const seen = new Map<string, number>();
    for (const request of requests) seen.set(request.id, (seen.get(request.id) ?? 0) + 1);
    expect([...seen.keys()].sort()).toEqual([...eventIds].sort()); // each webhook-id at least once, nothing else
    const repeats = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(repeats).toBeLessThanOrEqual(inFlight);

    // The log agrees with the receiver: every request the receiver answered was recorded as an
    // attempt, except those the killed worker never got to record (at most the ones in flight).
    const attempts = await t.dataSource.query<{ eventId: string; attempts: number; ok: number }[]>(
      `SELECT d.event_id AS "eventId", count(a.id)::int AS attempts, count(a.id) FILTER (WHERE a.status_code = 204)::int AS ok
         FROM webhook_delivery d LEFT JOIN webhook_attempt a ON a.delivery_id = d.id
        WHERE d.endpoint_id = $1 GROUP BY d.event_id`,
      [endpointId],
    );
    expect(attempts).toHaveLength(DELIVERIES);
    let unrecorded = 0;
    for (const row of attempts) {
      const received = seen.get(row.eventId) ?? 0;
      expect(row.ok).toBeGreaterThanOrEqual(1);
      expect(row.ok).toBeLessThanOrEqual(received); // no attempt recorded as answered that the receiver did not get
      unrecorded += received - row.ok;
    }
    expect(unrecorded).toBeLessThanOrEqual(inFlight);
  }, 180_000);
});
