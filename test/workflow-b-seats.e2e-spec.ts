import { eventually, FIXTURE_PASSWORD, Fixtures, Person, SmtpSink, TestApp, type ReceivedMail } from '@tessera/testing';
import { Organization } from '../src/identity/entities/organization.entity';
import { InvitationsService } from '../src/invitations/invitations.service';

const ASSIGN = `mutation($input: AssignSeatsInput!) {
  assignSeats(input: $input) { seatsRemaining assignments { email user { id email firstName } grant { id status product { name } } } }
}`;
const INVITE = `mutation($input: InviteByEmailInput!) {
  inviteByEmail(input: $input) { seatsRemaining invitations { id email status codeId expiresAt } }
}`;
const LOOK_UP = `query($token: String!) {
  invitation(token: $token) { status canAccept email accountExists organizationName productName message expiresAt }
}`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { accessToken user { email firstName } grant { id status product { name } } }
}`;
const INVITATIONS = `query($org: UUID!, $filter: InvitationFilter) {
  invitations(organizationId: $org, filter: $filter) { totalCount edges { node { id email status codeId } } }
}`;
const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { accessToken user { email } } }`;
const MY_ACCESS = `{ myAccess { totalCount edges { node { product { name } status } } } }`;
const SEATS = `query($org: UUID!) { inventorySummary(organizationId: $org) { byStatus { status count } } }`;

/** The token of the link in a mail (set-password or invitation). */
function linkToken(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https://lms\\.example\\.test/${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${path} link in:\n${mail.text}`);
  return match[1];
}

describe('workflow B: seats bought in bulk, handed out three ways', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  const statusCounts = async () =>
    Object.fromEntries(
      (await admin.client.ok(SEATS, { org: organization.id })).inventorySummary.byStatus.map((row: { status: string; count: number }) => [
        row.status,
        row.count,
      ]),
    );
  const mailTo = async (address: string, count = 1) => {
    await eventually(() => expect(smtp.mailsTo(address)).toHaveLength(count));
    return smtp.mailsTo(address)[count - 1];
  };

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://lms.example.test/' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Storefront Buyer'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Leadership course' }));
    await fixtures.codes(organization, { quantity: 14, priceId });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('option 1: creates accounts, gives access at once, and mails a set-password link (never a password); an existing account joins by consent', async () => {
    const existing = await new Fixtures(t).person({ email: 'existing@example.test', firstName: 'Ezra' });
    const { assignSeats } = await admin.client.ok(ASSIGN, {
      input: {
        organizationId: organization.id,
        priceId,
        people: [
          { email: 'New.Person@Example.test', firstName: 'Nia', lastName: 'Nwosu' },
          { email: 'withpass@example.test', firstName: 'Wen', lastName: 'Wu', password: 'a password of her own' },
          { email: 'existing@example.test', firstName: 'Ignored', lastName: 'Ignored' },
        ],
      },
    });
    expect(assignSeats.seatsRemaining).toBe(11);
    // Nobody here was a member: the answer does not say who had an account (issue 16, finding 15).
    expect(assignSeats.assignments).toEqual(
      ['new.person@example.test', 'withpass@example.test', 'existing@example.test'].map((email) => ({ email, user: null, grant: null })),
    );

    // No password given: the account mail carries a one-time set-password link.
    const accountMail = await mailTo('new.person@example.test');
    expect(accountMail.subject).toBe('Your account at Storefront Buyer');
    expect(accountMail.text).toContain('with access to Leadership course');
    const token = linkToken(accountMail, 'set-password');
    const { setPassword } = await t.client.ok(SET_PASSWORD, { input: { token, password: 'my brand new password' } });
    expect(setPassword.user.email).toBe('new.person@example.test');
    expect((await t.client.as(setPassword.accessToken).ok(MY_ACCESS)).myAccess.edges).toEqual([
      { node: { product: { name: 'Leadership course' }, status: 'ACTIVE' } },
    ]);
    expect(await t.client.fails(SET_PASSWORD, { input: { token, password: 'another password here' } })).toMatchObject({
      code: 'CONFLICT',
    });
    const login = await t.client.ok(
      `mutation { login(input: { email: "new.person@example.test", password: "my brand new password" }) { accessToken } }`,
    );
    expect(login.login.accessToken).toBeTruthy();

    // With a password: the registration mail with the sign-in link, and the platform's request to confirm the address
    // (the admin chose the password: until the owner replaces it, the account reaches only this organisation).
    await eventually(() => expect(smtp.mailsTo('withpass@example.test')).toHaveLength(2));
    const withPass = smtp.mailsTo('withpass@example.test');
    const registered = withPass.find((mail) => mail.subject === 'You are registered for Leadership course')!;
    expect(registered.text).toContain('Sign in: https://lms.example.test/sign-in');
    expect(withPass.map((mail) => mail.subject).sort()).toEqual([
      'Confirm your e-mail address',
      'You are registered for Leadership course',
    ]);
    for (const mail of withPass) expect(mail.raw).not.toContain('a password of her own');

    // An existing account that is not a member: the seat is held and the platform invites its owner to join;
    // signed in, they accept and the seat is theirs, with the registration mail.
    const invitation = await mailTo('existing@example.test');
    expect(invitation.subject).toBe('Storefront Buyer invites you to join');
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 11, REDEEMED: 2, PENDING: 1 });
    await existing.client.ok(`mutation($token: String!) { acceptMembershipInvitation(input: { token: $token }) { membership { id } } }`, {
      token: linkToken(invitation, 'join'),
    });
    expect((await existing.client.ok(MY_ACCESS)).myAccess.edges).toEqual([
      { node: { product: { name: 'Leadership course' }, status: 'ACTIVE' } },
    ]);
    const mail = await mailTo('existing@example.test', 2);
    expect(mail.subject).toBe('You are registered for Leadership course');
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 11, REDEEMED: 3 });
  });

  it('mails a fresh set-password link on request, and answers the same for an unknown address', async () => {
    const REQUEST = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { accepted } }`;
    expect((await t.client.ok(REQUEST, { email: 'Nobody.Here@example.test' })).requestPasswordReset.accepted).toBe(true);
    expect((await t.client.ok(REQUEST, { email: 'NEW.PERSON@example.test' })).requestPasswordReset.accepted).toBe(true);
    const mail = await mailTo('new.person@example.test', 2);
    expect(mail.subject).toBe('Set your password');
    const token = linkToken(mail, 'set-password');
    const { setPassword } = await t.client.ok(SET_PASSWORD, { input: { token, password: 'the second password' } });
    expect(setPassword.user.email).toBe('new.person@example.test');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mailsTo('nobody.here@example.test')).toHaveLength(0);
  });

  it('assigns nothing when there are too few seats, and says how many are free', async () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ email: `many${i}@example.test`, firstName: 'M', lastName: `${i}` }));
    const error = await admin.client.fails(ASSIGN, { input: { organizationId: organization.id, priceId, people } });
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'NOT_ENOUGH_SEATS', requested: 12, available: 11 } });
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 11, REDEEMED: 3 });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM user_account WHERE email LIKE 'many%'`);
    expect(count).toBe(0);
  });

  it('names the bad row: a person who already has access, a repeated address', async () => {
    const repeated = await admin.client.fails(ASSIGN, {
      input: {
        organizationId: organization.id,
        priceId,
        people: [
          { email: 'twice@example.test', firstName: 'T', lastName: 'T' },
          { email: 'TWICE@example.test', firstName: 'T', lastName: 'T' },
        ],
      },
    });
    expect(repeated).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { fields: [{ field: 'people.1.email', message: 'appears twice' }] },
    });
    const already = await admin.client.fails(ASSIGN, {
      input: { organizationId: organization.id, priceId, people: [{ email: 'withpass@example.test', firstName: 'W', lastName: 'W' }] },
    });
    expect(already).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'people.0.email' }] } });
    expect(already.message).toContain('already has access to Leadership course');
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 11, REDEEMED: 3 });
  });

  it('option 2: invites by e-mail; the seat is held until the person follows the link and sets up the account', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['Invitee@Example.test'], message: 'Welcome <b>aboard</b> & enjoy' },
    });
    expect(inviteByEmail.seatsRemaining).toBe(10);
    expect(inviteByEmail.invitations[0]).toMatchObject({ email: 'invitee@example.test', status: 'PENDING' });
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 10, PENDING: 1, REDEEMED: 3 });

    const mail = await mailTo('invitee@example.test');
    expect(mail.subject).toBe('Storefront Buyer invites you to Leadership course');
    expect(mail.html).toContain('Welcome &lt;b&gt;aboard&lt;/b&gt; &amp; enjoy');
    // Tessera's own block with the link comes first; the organisation's text greets without a name.
    expect(mail.text).toMatch(/^Accept the invitation:\nhttps:\/\/lms\.example\.test\/invitations\/accept\?token=/);
    expect(mail.text).toMatch(/^Hello,$/m);
    const token = linkToken(mail, 'invitations/accept');
    // The delivery log keeps the link sealed: a database dump does not hold a usable token.
    const [{ leaks }] = await t.dataSource.query(
      `SELECT count(*)::int AS leaks FROM message WHERE data::text LIKE $1 OR sealed_data LIKE $1 OR sealed_data LIKE '%token=%'`,
      [`%${token}%`],
    );
    expect(leaks).toBe(0);
    const { invitation } = await t.client.ok(LOOK_UP, { token });
    expect(invitation).toMatchObject({
      status: 'PENDING',
      canAccept: true,
      email: 'invitee@example.test',
      accountExists: false,
      organizationName: 'Storefront Buyer',
      productName: 'Leadership course',
      message: 'Welcome <b>aboard</b> & enjoy',
    });

    const missingNames = await t.client.fails(ACCEPT, { input: { token, password: 'long enough password' } });
    expect(missingNames).toMatchObject({ code: 'BAD_USER_INPUT' });
    const { acceptInvitation } = await t.client.ok(ACCEPT, {
      input: { token, firstName: 'Ines', lastName: 'Invitee', password: 'long enough password' },
    });
    expect(acceptInvitation).toMatchObject({ user: { email: 'invitee@example.test', firstName: 'Ines' }, grant: { status: 'ACTIVE' } });
    expect((await t.client.as(acceptInvitation.accessToken).ok(MY_ACCESS)).myAccess.totalCount).toBe(1);
    expect(await statusCounts()).toMatchObject({ AVAILABLE: 10, PENDING: 0, REDEEMED: 4 });

    // The link is spent: a second use says so, and nothing changes.
    expect(await t.client.fails(ACCEPT, { input: { token, password: 'long enough password' } })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'ACCEPTED' },
    });
    expect((await t.client.ok(LOOK_UP, { token })).invitation).toMatchObject({ status: 'ACCEPTED', canAccept: false });
  });

  it('pending invitations: invite someone else for the seat, the first acceptance wins, the late one gets a clear message', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['first@example.test'] },
    });
    const seat = inviteByEmail.invitations[0].codeId;
    await admin.client.ok(INVITE, { input: { organizationId: organization.id, codeId: seat, emails: ['second@example.test'] } });
    const pending = await admin.client.ok(INVITATIONS, { org: organization.id, filter: { status: ['PENDING'], codeId: seat } });
    expect(pending.invitations.edges.map((edge: { node: { email: string } }) => edge.node.email).sort()).toEqual([
      'first@example.test',
      'second@example.test',
    ]);
    const firstToken = linkToken(await mailTo('first@example.test'), 'invitations/accept');
    const secondToken = linkToken(await mailTo('second@example.test'), 'invitations/accept');

    await t.client.ok(ACCEPT, { input: { token: secondToken, firstName: 'Sam', lastName: 'Second', password: 'long enough password' } });
    const late = await t.client.fails(ACCEPT, {
      input: { token: firstToken, firstName: 'Fay', lastName: 'First', password: 'long enough password' },
    });
    expect(late).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'INVALIDATED' } });
    expect(late.message).toContain('Someone else accepted an invitation for this seat first');
    const all = await admin.client.ok(INVITATIONS, { org: organization.id, filter: { codeId: seat } });
    expect(
      Object.fromEntries(
        all.invitations.edges.map((edge: { node: { email: string; status: string } }) => [edge.node.email, edge.node.status]),
      ),
    ).toEqual({
      'first@example.test': 'INVALIDATED',
      'second@example.test': 'ACCEPTED',
    });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM user_account WHERE email = 'first@example.test'`);
    expect(count).toBe(0);
  });

  it('pending invitations: copy a fresh link (the old one stops working), re-send, revoke (the seat comes back)', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['links@example.test'] },
    });
    const id = inviteByEmail.invitations[0].id;
    const oldToken = linkToken(await mailTo('links@example.test'), 'invitations/accept');

    const { copyInvitationLink } = await admin.client.ok(
      `mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url invitation { status } } }`,
      { id },
    );
    expect(copyInvitationLink.url).toMatch(/^https:\/\/lms\.example\.test\/invitations\/accept\?token=/);
    expect((await t.client.fails(LOOK_UP, { token: oldToken })).code).toBe('NOT_FOUND');
    const copiedToken = new URL(copyInvitationLink.url).searchParams.get('token')!;
    expect((await t.client.ok(LOOK_UP, { token: copiedToken })).invitation.canAccept).toBe(true);

    await admin.client.ok(`mutation($id: UUID!) { resendInvitation(input: { invitationId: $id }) { invitation { id } } }`, { id });
    const resentToken = linkToken(await mailTo('links@example.test', 2), 'invitations/accept');
    expect((await t.client.fails(LOOK_UP, { token: copiedToken })).code).toBe('NOT_FOUND');

    const before = await statusCounts();
    const { revokeInvitation } = await admin.client.ok(
      `mutation($id: UUID!) { revokeInvitation(input: { invitationId: $id }) { invitation { status } } }`,
      { id },
    );
    expect(revokeInvitation.invitation.status).toBe('REVOKED');
    expect(await statusCounts()).toMatchObject({ AVAILABLE: before.AVAILABLE + 1, PENDING: before.PENDING - 1 });
    expect(
      await t.client.fails(ACCEPT, { input: { token: resentToken, firstName: 'L', lastName: 'L', password: 'long enough password' } }),
    ).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'REVOKED' },
    });
  });

  it('pending invitations: assign the seat directly instead; the invitation becomes invalid', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['direct@example.test'] },
    });
    const { codeId } = inviteByEmail.invitations[0];
    const { person } = await new Fixtures(t).member(organization);
    const { assignSeats } = await admin.client.ok(ASSIGN, {
      input: { organizationId: organization.id, codeIds: [codeId], userIds: [person.user.id] },
    });
    expect(assignSeats.assignments[0].grant.status).toBe('ACTIVE');
    const token = linkToken(await mailTo('direct@example.test'), 'invitations/accept');
    expect((await t.client.ok(LOOK_UP, { token })).invitation.status).toBe('INVALIDATED');
  });

  it('signs an invited person with an account in by their password', async () => {
    await new Fixtures(t).person({ email: 'has.account@example.test', firstName: 'Hana' });
    await admin.client.ok(INVITE, { input: { organizationId: organization.id, priceId, emails: ['has.account@example.test'] } });
    const token = linkToken(await mailTo('has.account@example.test'), 'invitations/accept');
    expect((await t.client.ok(LOOK_UP, { token })).invitation.accountExists).toBe(true);
    expect((await t.client.fails(ACCEPT, { input: { token, password: 'wrong password' } })).code).toBe('UNAUTHENTICATED');
    const { acceptInvitation } = await t.client.ok(ACCEPT, { input: { token, password: FIXTURE_PASSWORD } });
    expect(acceptInvitation).toMatchObject({ user: { email: 'has.account@example.test', firstName: 'Hana' }, grant: { status: 'ACTIVE' } });
  });

  it('gives one person one seat even when two assignments for them race', async () => {
    const { person } = await new Fixtures(t).member(organization);
    const before = await statusCounts();
    const results = await Promise.all(
      [0, 1].map(() => admin.client.request(ASSIGN, { input: { organizationId: organization.id, priceId, userIds: [person.user.id] } })),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.find((result) => result.errors)!.errors![0].message).toContain('already has access to Leadership course');
    expect(await statusCounts()).toMatchObject({ AVAILABLE: before.AVAILABLE - 1, REDEEMED: before.REDEEMED + 1 });
  });

  it('sends a set-password link to a member who never set a password, when given a seat or a resent confirmation', async () => {
    const { person } = await new Fixtures(t).member(organization);
    await t.dataSource.query(`UPDATE user_account SET password_hash = NULL WHERE id = $1`, [person.user.id]);
    const { assignSeats } = await admin.client.ok(ASSIGN, {
      input: { organizationId: organization.id, priceId, userIds: [person.user.id] },
    });
    const first = await mailTo(person.user.email);
    expect(first.subject).toBe('Your account at Storefront Buyer');
    linkToken(first, 'set-password');
    await admin.client.ok(`mutation($grant: UUID!) { resendConfirmation(input: { grantId: $grant }) { grant { id } } }`, {
      grant: assignSeats.assignments[0].grant.id,
    });
    expect((await mailTo(person.user.email, 2)).subject).toBe('Your account at Storefront Buyer');
  });

  it('does not invite someone who already has the product, and says a seat whose code expired cannot be taken', async () => {
    const refused = await admin.client.fails(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['x@example.test', 'withpass@example.test'] },
    });
    expect(refused).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { fields: [{ field: 'emails.1', message: 'already has access to this product' }] },
    });
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['code-expires@example.test'] },
    });
    const token = linkToken(await mailTo('code-expires@example.test'), 'invitations/accept');
    await t.dataSource.query(`UPDATE code SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      inviteByEmail.invitations[0].codeId,
    ]);
    expect((await t.client.ok(LOOK_UP, { token })).invitation).toMatchObject({ status: 'PENDING', canAccept: false });
    await admin.client.ok(`mutation($id: UUID!) { revokeInvitation(input: { invitationId: $id }) { invitation { id } } }`, {
      id: inviteByEmail.invitations[0].id,
    });
  });

  it('expires an invitation not accepted in time and frees its seat', async () => {
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, priceId, emails: ['late@example.test'] },
    });
    const token = linkToken(await mailTo('late@example.test'), 'invitations/accept');
    await t.dataSource.query(`UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      inviteByEmail.invitations[0].id,
    ]);
    expect((await t.client.ok(LOOK_UP, { token })).invitation).toMatchObject({ status: 'EXPIRED', canAccept: false });
    expect(
      await t.client.fails(ACCEPT, { input: { token, firstName: 'L', lastName: 'L', password: 'long enough password' } }),
    ).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'EXPIRED' },
    });
    const before = await statusCounts();
    expect(await t.get(InvitationsService).expireOverdue()).toBe(1);
    expect(await statusCounts()).toMatchObject({ AVAILABLE: before.AVAILABLE + 1, PENDING: before.PENDING - 1 });
    const expired = await admin.client.ok(INVITATIONS, { org: organization.id, filter: { status: ['EXPIRED'] } });
    expect(expired.invitations.edges.map((edge: { node: { email: string } }) => edge.node.email)).toEqual(['late@example.test']);
  });

  it('keeps other organisations out', async () => {
    const { admin: stranger } = await new Fixtures(t).organization('Elsewhere');
    const people = [{ email: 'x@example.test', firstName: 'X', lastName: 'X' }];
    expect((await stranger.client.fails(ASSIGN, { input: { organizationId: organization.id, priceId, people } })).code).toBe('FORBIDDEN');
    expect(
      (await stranger.client.fails(INVITE, { input: { organizationId: organization.id, priceId, emails: ['x@example.test'] } })).code,
    ).toBe('FORBIDDEN');
    expect((await stranger.client.fails(INVITATIONS, { org: organization.id })).code).toBe('FORBIDDEN');
  });
});

describe('invitations: two people accept for the same seat at the same moment', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let priceId: string;

  beforeAll(async () => {
    t = await TestApp.create({ env: { APP_URL: 'https://lms.example.test', TRUST_PROXY: 'true' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Race Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization));
    await fixtures.codes(organization, { quantity: 20, priceId });
  });
  afterAll(() => t.close());

  it('gives the seat to exactly one of them, every time', async () => {
    for (let round = 0; round < 20; round++) {
      const { inviteByEmail } = await admin.client.ok(INVITE, {
        input: { organizationId: organization.id, priceId, emails: [`a${round}@race.test`] },
      });
      const seat = inviteByEmail.invitations[0].codeId;
      await admin.client.ok(INVITE, { input: { organizationId: organization.id, codeId: seat, emails: [`b${round}@race.test`] } });
      // Fresh links for both, to hand to the two racers.
      const tokens = await Promise.all(
        (await admin.client.ok(INVITATIONS, { org: organization.id, filter: { codeId: seat } })).invitations.edges.map(
          async (edge: { node: { id: string } }) =>
            new URL(
              (
                await admin.client.ok(`mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`, {
                  id: edge.node.id,
                })
              ).copyInvitationLink.url,
            ).searchParams.get('token')!,
        ),
      );
      const results = await Promise.all(
        tokens.map((token, i) =>
          t.client.request(
            ACCEPT,
            { input: { token, firstName: 'R', lastName: `${i}`, password: 'long enough password' } },
            { 'x-forwarded-for': `10.0.${round}.${i}` },
          ),
        ),
      );
      const winners = results.filter((result) => !result.errors);
      expect(winners).toHaveLength(1);
      const loser = results.find((result) => result.errors)!;
      expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALIDATED' });
      const [{ grants }] = await t.dataSource.query(`SELECT count(*)::int AS grants FROM access_grant WHERE code_id = $1`, [seat]);
      expect(grants).toBe(1);
    }
  }, 120_000);
});
