import { eventually, Fixtures, Person, SmtpSink, startOrganizationApp, TestApp, WebhookReceiver } from '@tessera/testing';
import type { OutboxEvent } from '@tessera/events';
import { Organization } from '../src/identity/entities/organization.entity';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/catalog/event-types';
import type { PublicWebhookEvent } from '../src/webhooks/catalog/public-event';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS } from '../src/webhooks/catalog/public-event-builder';
import { REJECTED, shapeOf, walkCatalog } from './support/catalog-walk';

/**
 * Webhooks end to end: an endpoint made through the API receives, at a real receiver that verifies
 * every request's signature, exactly the events that workflows A, B and C (and the rest of the
 * catalog) made: each type shaped as its documented example, each webhook-id once, and the
 * delivery log agrees. Then a receiver down for a while loses nothing.
 */
interface Received {
  id: string;
  body: string;
  status: number;
}

/** The object each type is about: the subject of its (type, subject id) pair. */
const SUBJECT: Record<string, string> = {
  'code.redeemed': 'code',
  'access.granted': 'accessGrant',
  'access.revoked': 'accessGrant',
  'access.extended': 'accessGrant',
  'access.expired': 'accessGrant',
  'invitation.sent': 'invitation',
  'invitation.accepted': 'invitation',
  'invitation.invalidated': 'invitation',
  'invitation.expired': 'invitation',
  'code.sent': 'codeSend',
  'codes.generated': 'batch',
  'codes.imported': 'batch',
  'people_import.completed': 'peopleImport',
  'participant_import.completed': 'participantImport',
  'order.recorded': 'order',
  'member.added': 'membership',
  'member.removed': 'membership',
  'message.failed': 'message',
};

function subjectOf(event: PublicWebhookEvent): string {
  const key = SUBJECT[event.type];
  if (!key) return `webhookEndpointId:${String(event.data.webhookEndpointId)}`;
  return `${key}:${(event.data[key] as { id: string } | null)?.id ?? 'gone'}`;
}

const pair = (event: PublicWebhookEvent) => `${event.type} ${subjectOf(event)}`;
/** The envelope; `data` shows the objects when the event was prepared, so it may be newer than a rebuild. */
const envelope = ({ id, type, occurredAt, organizationId }: PublicWebhookEvent) => ({ id, type, occurredAt, organizationId });

describe('webhooks end to end: workflows A, B, C and the whole catalog, verified at a real receiver', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let receiver: WebhookReceiver;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let endpointId: string;
  let secret: string;
  let since: Date;
  /** Every signed request the receiver got, in order, with its answer (a bad signature is in receiver.badSignatures). */
  const received: Received[] = [];
  /** While above zero, the receiver answers 500 (and counts down). */
  let failNext = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start({
      secret: () => secret,
      answer: (request, res) => {
        const status = failNext > 0 ? 500 : 204;
        if (failNext > 0) failNext--;
        received.push({ id: request.webhookId!, body: request.body, status });
        res.writeHead(status).end();
      },
    });
    ({ t, smtp, fixtures, organization, admin, priceId } = await startOrganizationApp({
      organizationName: 'Proven Hooks Org',
      productName: 'Webhook proof course',
      env: {
        APP_URL: 'https://app.example.test',
        MAIL_MAX_ATTEMPTS: '1',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_SWEEP_INTERVAL_MS: '200',
      },
      rejectRecipients: [REJECTED],
    }));
    // Let the organisation's own setup events pass before the endpoint exists.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { createWebhookEndpoint } = await admin.client.ok(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { id createdAt } } }`,
      {
        input: {
          organizationId: organization.id,
          url: `${receiver.url}/hooks`,
          description: 'Proof',
        },
      },
    );
    ({ secret } = createWebhookEndpoint);
    endpointId = createWebhookEndpoint.webhookEndpoint.id;
    since = new Date(createWebhookEndpoint.webhookEndpoint.createdAt);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await receiver.close();
  });

  /** The public events the outbox says happened since the endpoint was made (what must arrive). */
  async function expectedEvents(): Promise<PublicWebhookEvent[]> {
    const events = await t.dataSource.query<OutboxEvent[]>(
      `SELECT id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt"
         FROM domain_event WHERE type = ANY($1) AND organization_id = $2 AND occurred_at >= $3 ORDER BY id`,
      [WEBHOOK_SOURCE_EVENTS.map((source) => source.type), organization.id, since],
    );
    const builder = t.get(PublicEventBuilder);
    return (await Promise.all(events.map((event) => builder.build(event)))).flat();
  }

  /** What arrived and was taken (2xx), one per webhook-id. */
  function taken(): Map<string, PublicWebhookEvent> {
    const byId = new Map<string, PublicWebhookEvent>();
    for (const request of received.filter((r) => r.status < 300)) {
      expect(byId.has(request.id)).toBe(false); // each webhook-id taken once
      byId.set(request.id, JSON.parse(request.body) as PublicWebhookEvent);
    }
    return byId;
  }

  async function deliveryLog() {
    const nodes: { eventId: string; eventType: string; status: string; attemptCount: number; attempts: { statusCode: number | null }[] }[] =
      [];
    let after: string | null = null;
    do {
      const {
        webhookDeliveries,
      }: { webhookDeliveries: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: (typeof nodes)[number] }[] } } =
        await admin.client.ok(
          `query($id: UUID!, $after: String) { webhookDeliveries(webhookEndpointId: $id, first: 25, after: $after) {
           pageInfo { hasNextPage endCursor } edges { node { eventId eventType status attemptCount attempts(first: 10) { statusCode } } } } }`,
          { id: endpointId, after },
        );
      nodes.push(...webhookDeliveries.edges.map((edge) => edge.node));
      after = webhookDeliveries.pageInfo.hasNextPage ? webhookDeliveries.pageInfo.endCursor : null;
    } while (after);
    return nodes;
  }

  it('walks workflows A, B and C and the rest of the catalog; the receiver gets exactly those events, each once, signed', async () => {
    const { codes, leaving, first, second, winner, peopleImportId, participantImportId } = await walkCatalog({
      t,
      smtp,
      fixtures,
      organization,
      admin,
      priceId,
    });
    await admin.client.ok(`mutation($id: UUID!) { sendTestWebhook(input: { webhookEndpointId: $id }) { webhookDelivery { id } } }`, {
      id: endpointId,
    }); // webhook.test

    // Everything the outbox holds has been turned into public events and delivered.
    let expected: PublicWebhookEvent[] = [];
    await eventually(
      async () => {
        expected = await expectedEvents();
        expect(taken().size).toBe(expected.length + 1); // + webhook.test, which has no source event
      },
      { timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more comes
    const arrived = taken();
    expect(receiver.badSignatures).toEqual([]);
    expect(received.every((r) => r.status === 204)).toBe(true);
    expect(received).toHaveLength(arrived.size); // no repeats while the receiver answers at once

    // Exactly the events that happened: the same (type, subject) pairs and the same ids and bodies.
    const test = [...arrived.values()].filter((event) => event.type === 'webhook.test');
    expect(test.map((event) => event.data)).toEqual([{ webhookEndpointId: endpointId }]);
    const others = [...arrived.values()].filter((event) => event.type !== 'webhook.test');
    expect(others.map(pair).sort()).toEqual(expected.map(pair).sort());
    expect(others.map((event) => event.id).sort()).toEqual(expected.map((event) => event.id).sort());
    for (const event of expected) expect(envelope(arrived.get(event.id)!)).toEqual(envelope(event));

    // Every catalog type arrived, shaped as its documented example.
    for (const entry of WEBHOOK_EVENT_TYPES) {
      const ofType = [...arrived.values()].filter((event) => event.type === entry.type);
      expect({ type: entry.type, arrived: ofType.length > 0 }).toEqual({ type: entry.type, arrived: true });
      for (const event of ofType) {
        expect(event.organizationId).toBe(organization.id);
        expect({ type: entry.type, shape: shapeOf(event) }).toEqual({ type: entry.type, shape: shapeOf(entry.example) });
      }
    }
    // What the workflows did, by their own ids (not read from the outbox).
    const pairs = new Set([...arrived.values()].map(pair));
    for (const code of [codes[0], codes[2]]) expect(pairs).toContain(`code.redeemed code:${code.id}`);
    expect(pairs).toContain(`access.granted accessGrant:${first}`);
    expect(pairs).toContain(`access.revoked accessGrant:${first}`);
    expect(pairs).toContain(`access.extended accessGrant:${second}`);
    expect(pairs).toContain(`access.expired accessGrant:${second}`);
    expect(pairs).toContain(`invitation.accepted invitation:${winner.id}`);
    expect(pairs).toContain(`people_import.completed peopleImport:${peopleImportId}`);
    expect(pairs).toContain(`participant_import.completed participantImport:${participantImportId}`);
    expect(pairs).toContain(`member.removed membership:${leaving.id}`);
    expect(
      [...arrived.values()].filter((e) => e.type === 'message.failed').map((e) => (e.data.message as { recipient: string }).recipient),
    ).toEqual([REJECTED]);

    // The delivery log agrees: one DELIVERED delivery per event, one 204 attempt each.
    const log = await deliveryLog();
    expect(log.map((d) => d.eventId).sort()).toEqual([...arrived.keys()].sort());
    for (const delivery of log) {
      expect(delivery).toMatchObject({ status: 'DELIVERED', attemptCount: 1, eventType: arrived.get(delivery.eventId)!.type });
      expect(delivery.attempts).toEqual([{ statusCode: 204 }]);
    }
  });

  it('loses nothing while the receiver answers 500 for a while: every event arrives, repeats only with the same webhook-id', async () => {
    const before = received.length;
    const already = new Set(taken().keys());
    failNext = 12;
    const codes = await fixtures.codes(organization, { quantity: 4, priceId }); // codes.generated
    for (const code of codes) {
      await (
        await fixtures.person()
      ).client.ok(`mutation($input: RedeemCodeInput!) { redeemCode(input: $input) { grant { id } } }`, {
        input: { code: code.code },
      }); // code.redeemed, access.granted (and member.added)
    }

    let fresh: PublicWebhookEvent[] = [];
    await eventually(
      async () => {
        fresh = (await expectedEvents()).filter((event) => !already.has(event.id));
        expect(fresh.length).toBeGreaterThanOrEqual(9);
        const arrived = taken();
        for (const event of fresh) expect(arrived.has(event.id) && envelope(arrived.get(event.id)!)).toEqual(envelope(event));
      },
      { timeoutMs: 30_000 },
    );
    expect(failNext).toBe(0); // the receiver did refuse twelve requests
    await new Promise((resolve) => setTimeout(resolve, 500));
    const later = received.slice(before);
    expect(receiver.badSignatures).toEqual([]);
    expect(later.filter((r) => r.status === 500)).toHaveLength(12);
    // Each id taken once; a refused one came again with the same id and body.
    const arrived = taken();
    expect([...arrived.keys()].filter((id) => !already.has(id)).sort()).toEqual(fresh.map((event) => event.id).sort());
    for (const request of later) expect(request.body).toBe(JSON.stringify(arrived.get(request.id)));

    const log = await deliveryLog();
    const attemptsSeen = new Map<string, number>();
    for (const request of received) attemptsSeen.set(request.id, (attemptsSeen.get(request.id) ?? 0) + 1);
    for (const delivery of log) {
      expect(delivery.status).toBe('DELIVERED');
      expect({ id: delivery.eventId, attempts: delivery.attempts.length }).toEqual({
        id: delivery.eventId,
        attempts: attemptsSeen.get(delivery.eventId),
      });
    }
  });
});
