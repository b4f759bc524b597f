import { DomainEvent, DomainEventRecord, EventSecrets } from '@tessera/events';
import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { CodeRedeemed } from '../src/access/events/access.events';
import { Organization } from '../src/identity/entities/organization.entity';
import { InvitationCreated } from '../src/invitations/events/invitation.events';
import { AccessMails } from '../src/notifications/access-mails';
import { InvitationMails } from '../src/notifications/invitation-mails';

const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const ASSIGN = `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { seatsRemaining } }`;
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
const REVOKE = `mutation($id: UUID!, $reason: String) { revokeAccess(input: { grantId: $id, reason: $reason }) { grant { status } } }`;
const EXTEND = `mutation($id: UUID!, $endsAt: DateTime!) { extendAccess(input: { grantId: $id, endsAt: $endsAt }) { grant { endsAt } } }`;
const RESEND = `mutation($id: UUID!) { resendConfirmation(input: { grantId: $id }) { grant { id } } }`;

/**
 * Mail is one more subscriber of the domain events (issue 18, item 5): access, invitations and
 * distribution publish what happened and never call notifications; notifications queues each mail
 * after commit under the event's id, so a handler that runs again queues nothing more, and a link a
 * mail must carry travels sealed in the event.
 */
describe('mail as a subscriber of domain events', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let fixtures: Fixtures;

  /** An event as the outbox holds it, as the queue hands it to a handler. */
  const eventOf = async <E extends DomainEvent>(eventClass: { type: string; prototype: E }, field: string, value: string): Promise<E> => {
    const record = await t.dataSource
      .getRepository(DomainEventRecord)
      .createQueryBuilder('event')
      .where(`event.type = :type AND event.payload->>'${field}' = :value`, { type: eventClass.type, value })
      .getOneOrFail();
    const { id, occurredAt, organizationId, actorId, payload } = record;
    return Object.assign(Object.create(eventClass.prototype) as E, { id, occurredAt, organizationId, actorId, payload });
  };
  const messagesOf = (eventId: string) =>
    t.dataSource.query(`SELECT kind, recipient FROM message WHERE event_id = $1`, [eventId]) as Promise<
      { kind: string; recipient: string }[]
    >;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test' } });
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Subscriber Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Mentoring 2026', accessDays: 30 }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('confirms a redemption after commit, under the CodeRedeemed event, once however often the handler runs', async () => {
    const [code] = await fixtures.codes(organization, { quantity: 1, priceId });
    const person = await fixtures.person({ email: 'redeemer@example.test', firstName: 'Rae' });
    const { redeemCode } = await person.client.ok(REDEEM, { code: code.code });
    await eventually(() => expect(smtp.mailsTo('redeemer@example.test')).toHaveLength(1));
    expect(smtp.mailsTo('redeemer@example.test')[0].subject).toBe('You are registered for Mentoring 2026');

    const redeemed = await eventOf(CodeRedeemed, 'grantId', redeemCode.grant.id);
    expect(await messagesOf(redeemed.id)).toEqual([{ kind: 'REGISTRATION_CONFIRMED', recipient: 'redeemer@example.test' }]);
    // The queue delivers at least once: a second run of the handler queues nothing more.
    await t.get(AccessMails).onAccessGiven(redeemed);
    expect(await messagesOf(redeemed.id)).toHaveLength(1);
  });

  it('gives an account without a password the set-password mail instead, and a second run makes no second link', async () => {
    await fixtures.codes(organization, { quantity: 1, priceId });
    await admin.client.ok(ASSIGN, {
      input: {
        organizationId: organization.id,
        priceId,
        people: [{ email: 'no-password@example.test', firstName: 'Noor', lastName: 'Ng' }],
      },
    });
    // The answer names no one it made (issue 16): the grant is found in the database.
    const [{ grantId }] = (await t.dataSource.query(
      `SELECT access_grant.id AS "grantId" FROM access_grant JOIN user_account ON user_account.id = access_grant.user_id WHERE email = $1`,
      ['no-password@example.test'],
    )) as { grantId: string }[];
    await eventually(() => expect(smtp.mailsTo('no-password@example.test')).toHaveLength(1));
    expect(smtp.mailsTo('no-password@example.test')[0].text).toContain('https://app.example.test/set-password?token=');

    const redeemed = await eventOf(CodeRedeemed, 'grantId', grantId);
    expect(await messagesOf(redeemed.id)).toEqual([{ kind: 'ACCOUNT_CREATED', recipient: 'no-password@example.test' }]);
    const links = () =>
      t.dataSource.query(
        `SELECT count(*)::int AS links FROM password_token JOIN user_account ON user_account.id = password_token.user_id WHERE email = $1`,
        ['no-password@example.test'],
      ) as Promise<{ links: number }[]>;
    expect(await links()).toEqual([{ links: 1 }]);
    await t.get(AccessMails).onAccessGiven(redeemed);
    expect(await links()).toEqual([{ links: 1 }]);
    expect(await messagesOf(redeemed.id)).toHaveLength(1);

    // Asked again by an admin: a new event, so a new mail with a new link.
    await admin.client.ok(RESEND, { id: grantId });
    await eventually(() => expect(smtp.mailsTo('no-password@example.test')).toHaveLength(2));
    expect(await links()).toEqual([{ links: 2 }]);
  });

  it('mails a revocation with its reason and an extension with its new end, each after its event', async () => {
    const [code] = await fixtures.codes(organization, { quantity: 1, priceId });
    const person = await fixtures.person({ email: 'changes@example.test' });
    const { redeemCode } = await person.client.ok(REDEEM, { code: code.code });
    await admin.client.ok(EXTEND, { id: redeemCode.grant.id, endsAt: '2031-05-17T00:00:00.000Z' });
    await admin.client.ok(REVOKE, { id: redeemCode.grant.id, reason: 'Left the programme' });
    await eventually(() => expect(smtp.mailsTo('changes@example.test')).toHaveLength(3));
    const texts = smtp.mailsTo('changes@example.test').map((mail) => mail.text);
    expect(texts.some((text) => text.includes('2031-05-17'))).toBe(true);
    expect(texts.some((text) => text.includes('Left the programme'))).toBe(true);
  });

  it('carries the invitation link only sealed in the event, and mails it once per event', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['invitee@example.test'] },
    });
    const invitationId = inviteByEmail.invitations[0].id as string;
    await eventually(() => expect(smtp.mailsTo('invitee@example.test')).toHaveLength(1));
    const link = /https:\/\/app\.example\.test\/invitations\/accept\?token=[\w-]+/.exec(smtp.mailsTo('invitee@example.test')[0].text)![0];

    const created = await eventOf(InvitationCreated, 'invitationId', invitationId);
    const token = new URL(link).searchParams.get('token')!;
    // The outbox is also the audit log: it holds the link sealed, never in clear.
    expect(JSON.stringify(created.payload)).not.toContain(token);
    expect(t.get(EventSecrets).open(created.payload.mailSecrets!)).toEqual({ acceptUrl: link });

    await t.get(InvitationMails).onInvitationLink(created);
    expect(await messagesOf(created.id)).toEqual([{ kind: 'INVITATION', recipient: 'invitee@example.test' }]);
  });
});
