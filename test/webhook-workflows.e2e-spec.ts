import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import type { OutboxEvent } from '@tessera/events';
import { AccessGrantsService } from '../src/access/access-grants.service';
import { Organization } from '../src/identity/entities/organization.entity';
import { InvitationsService } from '../src/invitations/invitations.service';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/catalog/event-types';
import type { PublicWebhookEvent } from '../src/webhooks/catalog/public-event';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS } from '../src/webhooks/catalog/public-event-builder';
import { verifyWebhook } from '../src/webhooks/delivery/standard-webhooks';

/**
 * Webhooks end to end: an endpoint made through the API receives, at a real receiver that verifies
 * every request's signature, exactly the events that workflows A, B and C (and the rest of the
 * catalog) made: each type shaped as its documented example, each webhook-id once, and the
 * delivery log agrees. Then a receiver down for a while loses nothing.
 */
const REJECTED = 'bounce@example.test';

interface Received {
  id: string;
  body: string;
  status: number;
}

/** The keys, recursively (a value may be null where the example has one). */
function shapeOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'value';
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
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
  let receiver: Server;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let endpointId: string;
  let secret: string;
  let since: Date;
  /** Every request the receiver got, in order; a bad signature is kept as a failure of the test. */
  const received: Received[] = [];
  const badSignatures: string[] = [];
  /** While above zero, the receiver answers 500 (and counts down). */
  let failNext = 0;

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let id: string;
        try {
          id = verifyWebhook(secret, req.headers, body);
        } catch (error) {
          badSignatures.push(String(error));
          return res.writeHead(400).end('bad signature');
        }
        const status = failNext > 0 ? 500 : 204;
        if (failNext > 0) failNext--;
        received.push({ id, body, status });
        res.writeHead(status).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    smtp = await SmtpSink.start();
    smtp.rejectRecipients.add(REJECTED);
    t = await TestApp.create({
      env: {
        SMTP_URL: smtp.url,
        APP_URL: 'https://app.example.test',
        MAIL_MAX_ATTEMPTS: '1',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_SWEEP_INTERVAL_MS: '200',
      },
    });
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Proven Hooks Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Webhook proof course' }));
    // Let the organisation's own setup events pass before the endpoint exists.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { createWebhookEndpoint } = await admin.client.ok(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { id createdAt } } }`,
      {
        input: {
          organizationId: organization.id,
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
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
    receiver.closeAllConnections();
    receiver.close();
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
    const codes = await fixtures.codes(organization, { quantity: 12, priceId }); // codes.generated
    await admin.client.ok(`mutation($input: ImportCodesInput!) { importCodes(input: $input) { batch { id } } }`, {
      input: { organizationId: organization.id, priceId, text: 'HOOKIMPORT0001\nHOOKIMPORT0002\n' },
    }); // codes.imported

    const { person: member } = await fixtures.member(organization); // member.added
    const { membership: leaving } = await fixtures.member(organization);
    await admin.client.ok(`mutation($input: RemoveMemberInput!) { removeMember(input: $input) { membership { id } } }`, {
      input: { membershipId: leaving.id },
    }); // member.removed

    const SEND = `mutation($input: SendCodeInput!) { sendCode(input: $input) { code { id } } }`;
    await admin.client.ok(SEND, { input: { codeId: codes[0].id, userId: member.user.id, message: 'Welcome aboard', adminComment: 'vip' } });
    const { person: bouncing } = await fixtures.member(organization, undefined, await fixtures.person({ email: REJECTED }));
    await admin.client.ok(SEND, { input: { codeId: codes[1].id, userId: bouncing.user.id } }); // code.sent, then message.failed
    await eventually(async () => {
      const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM domain_event WHERE type = 'MessageFailed'`);
      return row.n > 0;
    });

    const REDEEM = `mutation($input: RedeemCodeInput!) { redeemCode(input: $input) { grant { id } } }`;
    const first = (await member.client.ok(REDEEM, { input: { code: codes[0].code } })).redeemCode.grant.id; // code.redeemed, access.granted
    await admin.client.ok(`mutation($input: RevokeAccessInput!) { revokeAccess(input: $input) { grant { id } } }`, {
      input: { grantId: first, reason: 'Left the programme' },
    }); // access.revoked
    const second = (await member.client.ok(REDEEM, { input: { code: codes[2].code } })).redeemCode.grant.id;
    await admin.client.ok(`mutation($input: ExtendAccessInput!) { extendAccess(input: $input) { grant { id } } }`, {
      input: { grantId: second, endsAt: new Date(Date.now() + 400 * 86_400_000).toISOString() },
    }); // access.extended
    await t.dataSource.query(`UPDATE access_grant SET ends_at = now() - interval '1 minute' WHERE id = $1`, [second]);
    expect(await t.get(AccessGrantsService).expireDue()).toBeGreaterThan(0); // access.expired

    const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id email } } }`;
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, codeId: codes[3].id, emails: ['first@example.test', 'second@example.test'] },
    }); // invitation.sent ×2
    const [winner] = inviteByEmail.invitations as { id: string }[];
    await admin.client.ok(`mutation($input: InvitationIdInput!) { resendInvitation(input: $input) { invitation { id } } }`, {
      input: { invitationId: winner.id },
    }); // invitation.sent (resent)
    const { copyInvitationLink } = await admin.client.ok(
      `mutation($input: InvitationIdInput!) { copyInvitationLink(input: $input) { url } }`,
      { input: { invitationId: winner.id } },
    );
    const token =
      new URL(copyInvitationLink.url as string).searchParams.get('token') ?? (copyInvitationLink.url as string).split('/').pop()!;
    await t.client.ok(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`, {
      input: { token, firstName: 'Fay', lastName: 'First', password: 'Sekret-passw0rd-42' },
    }); // invitation.accepted, code.redeemed, access.granted, invitation.invalidated

    await admin.client.ok(INVITE, { input: { organizationId: organization.id, codeId: codes[4].id, emails: ['late@example.test'] } });
    await t.dataSource.query(`UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.test'`);
    expect(await t.get(InvitationsService).expireOverdue()).toBe(1); // invitation.expired

    await admin.client.ok(`mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }`, {
      input: { organizationId: organization.id, priceId, quantity: 3, externalReference: 'SHOP-1', placedAt: new Date().toISOString() },
    }); // order.recorded

    const people = await admin.client.upload(
      `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status } }`,
      { input: { organizationId: organization.id, priceId, file: null } },
      {
        'input.file': {
          content: 'First name,Last name,E-mail,Password\r\nPia,People,pia@example.test,Pia-passw0rd-77\r\n',
          filename: 'people.csv',
        },
      },
    );
    expect(people.data?.uploadSeatAssignments.status).toBe('VALID');
    await admin.client.ok(`mutation($input: CompletePeopleImportInput!) { completePeopleImport(input: $input) { id status } }`, {
      input: { importId: people.data!.uploadSeatAssignments.id },
    }); // people_import.completed

    const { createContract } = await admin.client.ok(
      `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`,
      { input: { organizationId: organization.id, name: 'Hook contract', invitationPrefix: 'wh', priceIds: [priceId] } },
    );
    const { createParticipant } = await admin.client.ok(
      `mutation($input: CreateParticipantInput!) { createParticipant(input: $input) { participant { id version } } }`,
      { input: { contractId: createContract.contract.id, firstName: 'Pat', lastName: 'Part', email: 'pat@example.test' } },
    );
    const { id: participantId, version } = createParticipant.participant;
    const csv =
      'Participant ID,Row Version,First Name,Last Name,E-mail,Phone,Date of Birth,External Reference,Price Code,Invitation Code\r\n' +
      `${participantId},${version},Pat,Part,pat@example.test,,,,STD,\r\n`;
    const uploaded = await admin.client.upload(
      `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status problems { message } } }`,
      { input: { contractId: createContract.contract.id, file: null } },
      { 'input.file': { content: csv, filename: 'participants.csv' } },
    );
    expect(uploaded.data?.uploadParticipantCodes).toMatchObject({ status: 'VALID' });
    await admin.client.ok(`mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { id } }`, {
      id: uploaded.data!.uploadParticipantCodes.id,
    }); // participant_import.completed
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
    expect(badSignatures).toEqual([]);
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
    expect(pairs).toContain(`people_import.completed peopleImport:${people.data!.uploadSeatAssignments.id}`);
    expect(pairs).toContain(`participant_import.completed participantImport:${uploaded.data!.uploadParticipantCodes.id}`);
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
    expect(badSignatures).toEqual([]);
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
