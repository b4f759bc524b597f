import { eventually, Fixtures, freePort, Person, SmtpSink, TestApp } from '@tessera/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessGrantsService } from '../src/access/access-grants.service';
import { Organization } from '../src/identity/entities/organization.entity';
import { InvitationsService } from '../src/invitations/invitations.service';
import { newWebhookSecret, signWebhook } from '../src/webhooks/delivery/standard-webhooks';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/catalog/event-types';
import type { PublicWebhookEvent } from '../src/webhooks/catalog/public-event';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS, webhookTestEvent } from '../src/webhooks/catalog/public-event-builder';
import type { OutboxEvent } from '@tessera/events';

/**
 * The public event catalog against the real app: a small workflow makes every source event, the
 * builder turns the outbox's events into public ones, and each type must have the shape of its
 * documented example and no secret anywhere. Then the documented receiver (docs/examples) is run
 * and must accept a signed delivery and refuse a forged one.
 */
const RECEIVER = join(__dirname, '..', 'docs', 'examples', 'webhook-receiver.mjs');
const REJECTED = 'bounce@example.test';

/** The keys, recursively: what a receiver's parser relies on (a value may be null where the example has one). */
function shapeOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'value';
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
}

describe('webhook catalog: public events built from a real workflow', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  /** Every secret the workflow handled, which must never show in a public event. */
  const secrets: string[] = [];
  const built = new Map<string, PublicWebhookEvent[]>();

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    smtp.rejectRecipients.add(REJECTED);
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test', MAIL_MAX_ATTEMPTS: '1' } });
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Hooked Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Webhook course' }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('walks a workflow that makes every source event', async () => {
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
    secrets.push(token, 'Sekret-passw0rd-42');
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
    secrets.push('Pia-passw0rd-77');
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
  });

  it('builds, for every catalog type, public events shaped as the documented example', async () => {
    const events = await t.dataSource.query<OutboxEvent[]>(
      `SELECT id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt"
         FROM domain_event WHERE type = ANY($1) ORDER BY id`,
      [WEBHOOK_SOURCE_EVENTS.map((source) => source.type)],
    );
    const builder = t.get(PublicEventBuilder);
    const ids = new Set<string>();
    for (const event of events) {
      const publicEvents = await builder.build(event);
      expect(await builder.build(event)).toEqual(publicEvents); // built again: same ids, same bodies
      for (const made of publicEvents) {
        expect(ids.has(made.id)).toBe(false);
        ids.add(made.id);
        built.set(made.type, [...(built.get(made.type) ?? []), made]);
      }
    }
    built.set('webhook.test', [
      webhookTestEvent({ organizationId: organization.id, webhookEndpointId: '01900000-0000-7000-8000-0000000000ff' }),
    ]);
    for (const entry of WEBHOOK_EVENT_TYPES) {
      const made = built.get(entry.type);
      expect({ type: entry.type, built: (made?.length ?? 0) > 0 }).toEqual({ type: entry.type, built: true });
      for (const event of made!) {
        expect(event.organizationId).toBe(organization.id);
        expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
        // Nothing of this workflow is deleted, so every object is there, with exactly the example's fields.
        const expected = shapeOf(entry.example) as Record<string, unknown>;
        const actual = shapeOf(event) as Record<string, unknown>;
        expect({ type: entry.type, shape: actual }).toEqual({ type: entry.type, shape: expected });
      }
    }
    const accepted = built.get('invitation.accepted')![0];
    const invalidated = built.get('invitation.invalidated')!;
    expect(invalidated.map((e) => (e.data.invitation as { email: string }).email)).toEqual(['second@example.test']);
    expect((accepted.data.user as { firstName: string }).firstName).toBe('Fay');
    expect(built.get('message.failed')![0].data.message).toMatchObject({ recipient: REJECTED, status: 'FAILED' });
  });

  it('puts no secret in any public event', async () => {
    const json = JSON.stringify([...built.values()].flat());
    for (const secret of secrets) expect(json).not.toContain(secret);
    for (const word of ['password', 'token', 'hash', 'sealed', '/invitations/', '/join', 'whsec_', '$argon2', 'Welcome aboard', 'vip']) {
      expect({ word, found: json.toLowerCase().includes(word.toLowerCase()) }).toEqual({ word, found: false });
    }
    // Nothing that looks like a 128-bit token (base64url or hex) outside ids.
    const withoutIds = json.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
    expect(withoutIds).not.toMatch(/[A-Za-z0-9_-]{22,}/);
  });

  it('serves the catalog to signed-in callers only', async () => {
    const QUERY = `{ webhookEventTypes { type version description example } }`;
    const { webhookEventTypes } = await admin.client.ok(QUERY);
    expect(webhookEventTypes.map((entry: { type: string }) => entry.type)).toEqual(WEBHOOK_EVENT_TYPES.map((entry) => entry.type));
    expect(JSON.parse(webhookEventTypes[0].example)).toEqual(WEBHOOK_EVENT_TYPES[0].example);
    expect((await t.client.fails(QUERY)).code).toBe('UNAUTHENTICATED');
  });
});

describe('docs/webhooks.md', () => {
  it('lists every type with its example as the catalog has it, and shows the receiver as it is run', () => {
    const docs = readFileSync(join(__dirname, '..', 'docs', 'webhooks.md'), 'utf8');
    for (const entry of WEBHOOK_EVENT_TYPES) {
      expect(docs).toMatch(new RegExp(`^\\| \`${entry.type.replace('.', '\\.')}\` +\\|`, 'm'));
      expect(docs).toContain(JSON.stringify(entry.example, null, 2));
    }
    expect(docs).toContain('```js\n' + readFileSync(RECEIVER, 'utf8') + '```');
  });
});

describe('the documented webhook receiver (docs/examples/webhook-receiver.mjs)', () => {
  let receiver: ChildProcess;
  let url: string;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    receiver = spawn(process.execPath, [RECEIVER], {
      env: { PATH: process.env.PATH, WEBHOOK_SECRET: secret, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    await eventually(() => fetch(url, { method: 'POST' }).then(() => true), { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => receiver.once('exit', resolve));
    receiver.kill();
    await exited;
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((response) => response.status);

  it('answers 204 to a delivery signed with the secret, and 400 to a forged, stale or unsigned one', async () => {
    const event = WEBHOOK_EVENT_TYPES[0].example;
    const body = JSON.stringify(event);
    const now = Math.floor(Date.now() / 1000);
    const signed = (at: number, key = secret, payload = body) => ({
      'webhook-id': event.id,
      'webhook-timestamp': String(at),
      'webhook-signature': signWebhook([key], event.id, at, payload),
    });
    expect(await post(signed(now), body)).toBe(204);
    // Rotation: the old and the new signature side by side; either verifies.
    expect(
      await post(
        {
          ...signed(now),
          'webhook-signature': `${signed(now, newWebhookSecret())['webhook-signature']} ${signed(now)['webhook-signature']}`,
        },
        body,
      ),
    ).toBe(204);
    expect(await post(signed(now, newWebhookSecret()), body)).toBe(400);
    expect(await post(signed(now), body.replace('"CODE"', '"ASSIGNMENT"'))).toBe(400);
    expect(await post(signed(now - 3600), body)).toBe(400);
    expect(await post({}, body)).toBe(400);
  });
});
