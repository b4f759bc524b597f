import type { ServerResponse } from 'node:http';
import { newId, SecretBox } from '@tessera/common';
import { eventually, Fixtures, SmtpSink, TestApp, WebhookReceiver } from '@tessera/testing';
import { newWebhookSecret, verifyWebhook } from '../src/webhooks/delivery/standard-webhooks';
import { WebhookDeliverySweeper } from '../src/webhooks/delivery/webhook-delivery-sweeper';

const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;

/** Each test's receiver path answers as the test says; every request is kept (receiver.requests). */
const behaviours = new Map<string, (res: ServerResponse, attempt: number) => void>();
const hanging: ServerResponse[] = [];

describe('webhook delivery', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let receiver: WebhookReceiver;
  let receiverUrl: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start({
      answer: ({ path }, res) => {
        const attempt = receiver.requests.filter((r) => r.path === path).length;
        (behaviours.get(path) ?? ((r) => r.end('ok')))(res, attempt);
      },
    });
    receiverUrl = receiver.url;
    smtp = await SmtpSink.start();
    t = await TestApp.create({
      env: {
        SMTP_URL: smtp.url,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_TIMEOUT_MS: '3000',
        WEBHOOK_SWEEP_INTERVAL_MS: '200',
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
    for (const res of hanging) res.destroy();
    await receiver.close();
  });

  /** An organisation with a price, an endpoint at `${receiverUrl}/${path}` taking code.redeemed, and its secret. */
  async function organizationWithEndpoint(path: string) {
    const fixtures = new Fixtures(t);
    const { organization, admin } = await fixtures.organization();
    const {
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: `Webhooks ${path}` });
    const secret = newWebhookSecret();
    const endpointId = newId();
    const sealed = new SecretBox(t.runtime.config.auth.tokenSecret!, 'webhook-secret').seal(secret);
    await t.dataSource.query(
      `INSERT INTO webhook_endpoint (id, organization_id, url, event_types, secret_sealed) VALUES ($1, $2, $3, '{code.redeemed}', $4)`,
      [endpointId, organization.id, `${receiverUrl}/${path}`, sealed],
    );
    const redeem = async (email?: string) => {
      const [code] = await fixtures.codes(organization, { quantity: 1, priceId });
      const person = await fixtures.person(email ? { email } : {});
      await person.client.ok(REDEEM, { code: code.code });
      return code;
    };
    return { organization, admin, endpointId, secret, redeem };
  }

  function deliveriesOf(endpointId: string) {
    return t.dataSource.query<
      {
        id: string;
        eventId: string;
        eventType: string;
        status: string;
        attemptCount: number;
        lastStatusCode: number | null;
        attempts: number;
      }[]
    >(
      `SELECT d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.status, d.attempt_count AS "attemptCount",
              d.last_status_code AS "lastStatusCode", (SELECT count(*)::int FROM webhook_attempt a WHERE a.delivery_id = d.id) AS attempts
         FROM webhook_delivery d WHERE d.endpoint_id = $1 ORDER BY d.id`,
      [endpointId],
    );
  }

  const at = (path: string) => receiver.requests.filter((r) => r.path === `/${path}`);

  it('delivers code.redeemed signed per Standard Webhooks, and logs it DELIVERED with its attempt', async () => {
    const { organization, endpointId, secret, redeem } = await organizationWithEndpoint('signed');
    const code = await redeem();

    const [request] = await eventually(() => {
      expect(at('signed')).toHaveLength(1);
      return at('signed');
    });
    const id = verifyWebhook(secret, request.headers, request.body);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Tessera-Webhooks/1');
    const event = JSON.parse(request.body) as { id: string; type: string; organizationId: string; data: { code: { id: string } } };
    expect(event).toMatchObject({ id, type: 'code.redeemed', organizationId: organization.id, data: { code: { id: code.id } } });
    expect(() => verifyWebhook(newWebhookSecret(), request.headers, request.body)).toThrow('No matching signature');

    await eventually(async () =>
      expect(await deliveriesOf(endpointId)).toEqual([
        expect.objectContaining({
          eventId: id,
          eventType: 'code.redeemed',
          status: 'DELIVERED',
          attemptCount: 1,
          lastStatusCode: 200,
          attempts: 1,
        }),
      ]),
    );
  });

  it('retries a receiver that answers 500 three times, with the same webhook-id, until it takes the event', async () => {
    behaviours.set('/flaky', (res, attempt) => (attempt <= 3 ? res.writeHead(500).end('down') : res.end('ok')));
    const { endpointId, secret, redeem } = await organizationWithEndpoint('flaky');
    await redeem();

    await eventually(() => expect(at('flaky')).toHaveLength(4), { timeoutMs: 15_000 });
    const ids = at('flaky').map((r) => verifyWebhook(secret, r.headers, r.body));
    expect(new Set(ids).size).toBe(1);
    expect(new Set(at('flaky').map((r) => r.body)).size).toBe(1); // the same body every time
    await eventually(async () =>
      expect(await deliveriesOf(endpointId)).toEqual([expect.objectContaining({ status: 'DELIVERED', attemptCount: 4, attempts: 4 })]),
    );
    const [endpoint] = await t.dataSource.query(`SELECT failing_since FROM webhook_endpoint WHERE id = $1`, [endpointId]);
    expect(endpoint.failing_since).toBeNull(); // cleared by the success
  });

  it('gives up at once on a 400, and marks the endpoint failing', async () => {
    behaviours.set('/refusing', (res) => res.writeHead(400).end('bad'));
    const { endpointId, redeem } = await organizationWithEndpoint('refusing');
    await redeem();

    await eventually(async () =>
      expect(await deliveriesOf(endpointId)).toEqual([
        expect.objectContaining({ status: 'FAILED', attemptCount: 1, lastStatusCode: 400, attempts: 1 }),
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(at('refusing')).toHaveLength(1);
    const [endpoint] = await t.dataSource.query(`SELECT failing_since, enabled FROM webhook_endpoint WHERE id = $1`, [endpointId]);
    expect(endpoint).toMatchObject({ failing_since: expect.any(Date), enabled: true });
  });

  it('does not hold up mail while a receiver takes its time', async () => {
    behaviours.set('/silent', (res) => hanging.push(res)); // never answers
    const { endpointId, redeem } = await organizationWithEndpoint('silent');
    await redeem('waits-for-nobody@example.test');

    // The mail arrives while the receiver still holds the delivery open, well inside WEBHOOK_TIMEOUT_MS.
    await eventually(() => expect(at('silent')).toHaveLength(1));
    const openSince = Date.now();
    await eventually(() => expect(smtp.mailsTo('waits-for-nobody@example.test')).toHaveLength(1));
    expect(Date.now() - openSince).toBeLessThan(2_500);
    expect(hanging.some((res) => !res.writableEnded && !res.destroyed)).toBe(true);

    // The attempt then ends as a timeout, to be retried.
    await eventually(
      async () => {
        const [delivery] = await t.dataSource.query(`SELECT status, last_error FROM webhook_delivery WHERE endpoint_id = $1`, [endpointId]);
        expect(delivery).toMatchObject({ status: 'PENDING', last_error: 'Timed out after 3000 ms' });
      },
      { timeoutMs: 8_000 },
    );
    await t.dataSource.query(`UPDATE webhook_endpoint SET enabled = false, disabled_reason = 'ADMIN' WHERE id = $1`, [endpointId]);
  });

  it('sends again a delivery whose job was lost', async () => {
    const { organization, endpointId, secret } = await organizationWithEndpoint('lost');
    const eventId = newId();
    const payload = { id: eventId, type: 'code.redeemed', occurredAt: new Date().toISOString(), organizationId: organization.id, data: {} };
    // A delivery made, but its job never reached the queue (Redis lost it): two minutes overdue.
    await t.dataSource.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, organization_id, payload, next_attempt_at)
       VALUES ($1, $2, $3, 'code.redeemed', $4, $5, now() - interval '2 minutes')`,
      [newId(), endpointId, eventId, organization.id, JSON.stringify(payload)],
    );

    const [request] = await eventually(() => {
      expect(at('lost')).toHaveLength(1);
      return at('lost');
    });
    expect(verifyWebhook(secret, request.headers, request.body)).toBe(eventId);
    expect(JSON.parse(request.body)).toEqual(payload);
    await eventually(async () => expect(await deliveriesOf(endpointId)).toEqual([expect.objectContaining({ status: 'DELIVERED' })]));
    expect(await t.get(WebhookDeliverySweeper).sweep()).toBe(0);
  });

  it('disables an endpoint that failed for longer than WEBHOOK_DISABLE_AFTER_DAYS, and says so in an event', async () => {
    behaviours.set('/broken', (res) => res.writeHead(400).end());
    const { organization, endpointId, redeem } = await organizationWithEndpoint('broken');
    await t.dataSource.query(`UPDATE webhook_endpoint SET failing_since = now() - interval '6 days' WHERE id = $1`, [endpointId]);
    await redeem();

    await eventually(async () => {
      const [endpoint] = await t.dataSource.query(`SELECT enabled, disabled_reason FROM webhook_endpoint WHERE id = $1`, [endpointId]);
      expect(endpoint).toEqual({ enabled: false, disabled_reason: 'FAILING' });
    });
    const events = await t.dataSource.query(`SELECT organization_id, payload FROM domain_event WHERE type = 'WebhookEndpointDisabled'`);
    expect(events).toEqual([
      { organization_id: organization.id, payload: expect.objectContaining({ webhookEndpointId: endpointId, reason: 'FAILING' }) },
    ]);
  });

  describe('redeliver, replay and test', () => {
    const SEND_TEST = `mutation($id: UUID!) { sendTestWebhook(input: { webhookEndpointId: $id }) { webhookDelivery { id eventType status } } }`;
    const REDELIVER = `mutation($id: UUID!) { redeliverWebhook(input: { webhookDeliveryId: $id }) { webhookDelivery { id status eventId } } }`;
    const REPLAY = `mutation($id: UUID!, $since: DateTime!) { replayWebhookEvents(input: { webhookEndpointId: $id, since: $since }) { count } }`;

    it('sends a signed webhook.test event to the endpoint', async () => {
      const { admin, endpointId, secret } = await organizationWithEndpoint('test-event');
      const { sendTestWebhook } = await admin.client.ok(SEND_TEST, { id: endpointId });
      expect(sendTestWebhook.webhookDelivery).toMatchObject({ eventType: 'webhook.test', status: 'PENDING' });

      const [request] = await eventually(() => {
        expect(at('test-event')).toHaveLength(1);
        return at('test-event');
      });
      verifyWebhook(secret, request.headers, request.body);
      expect(JSON.parse(request.body)).toMatchObject({ type: 'webhook.test', data: { webhookEndpointId: endpointId } });
    });

    it('sends a delivered event again with the same webhook-id, and replays events since a moment', async () => {
      const { admin, endpointId, secret, redeem } = await organizationWithEndpoint('again');
      const before = new Date(Date.now() - 1000);
      await redeem();
      await eventually(async () => expect(await deliveriesOf(endpointId)).toEqual([expect.objectContaining({ status: 'DELIVERED' })]));
      const [delivery] = await deliveriesOf(endpointId);

      const { redeliverWebhook } = await admin.client.ok(REDELIVER, { id: delivery.id });
      expect(redeliverWebhook.webhookDelivery).toEqual({ id: delivery.id, status: 'PENDING', eventId: delivery.eventId });
      await eventually(() => expect(at('again')).toHaveLength(2));

      const { replayWebhookEvents } = await admin.client.ok(REPLAY, { id: endpointId, since: before.toISOString() });
      expect(replayWebhookEvents.count).toBe(1); // code.redeemed only: the endpoint does not take access.granted
      await eventually(() => expect(at('again')).toHaveLength(3));
      expect(new Set(at('again').map((r) => verifyWebhook(secret, r.headers, r.body)))).toEqual(new Set([delivery.eventId]));
      await eventually(async () =>
        expect(await deliveriesOf(endpointId)).toEqual([expect.objectContaining({ status: 'DELIVERED', attempts: 3 })]),
      );

      const { replayWebhookEvents: none } = await admin.client.ok(REPLAY, { id: endpointId, since: new Date().toISOString() });
      expect(none.count).toBe(0);
    });

    it("refuses another organisation's admin, and an organisation admin on a platform endpoint", async () => {
      const { endpointId } = await organizationWithEndpoint('private');
      const { admin: stranger } = await new Fixtures(t).organization();
      const platformEndpointId = newId();
      await t.dataSource.query(`INSERT INTO webhook_endpoint (id, organization_id, url, secret_sealed) VALUES ($1, NULL, $2, 'v1.x')`, [
        platformEndpointId,
        `${receiverUrl}/platform`,
      ]);
      await t.dataSource.query(`UPDATE webhook_endpoint SET enabled = false, disabled_reason = 'ADMIN' WHERE id = $1`, [
        platformEndpointId,
      ]);

      expect(await stranger.client.fails(SEND_TEST, { id: endpointId })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await stranger.client.fails(REPLAY, { id: endpointId, since: new Date(0).toISOString() })).toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await stranger.client.fails(SEND_TEST, { id: platformEndpointId })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await stranger.client.fails(SEND_TEST, { id: newId() })).toMatchObject({ code: 'NOT_FOUND' });
      expect(await stranger.client.fails(REDELIVER, { id: newId() })).toMatchObject({ code: 'NOT_FOUND' });
      expect(at('private')).toHaveLength(0);
    });
  });
});
