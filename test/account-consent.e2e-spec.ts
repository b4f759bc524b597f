import { eventually, FIXTURE_PASSWORD, Fixtures, Person, SmtpSink, TestApp, type ReceivedMail } from '@tessera/testing';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Accounts are platform-wide, so an organisation never holds the keys to one (issue 16, findings
 * 14 and 15 and the consent item). Each test is an attack by organisation B's admin on a person
 * or an address, performed as they would, and shows it does no harm: an existing account joins B
 * only by its owner's consent, an account whose password B chose (or made through a link B
 * copied) reaches nothing outside B until its owner proves the address, and B's answers do not
 * tell whether an address has an account elsewhere.
 */
const ASSIGN = `mutation($input: AssignSeatsInput!) {
  assignSeats(input: $input) { seatsRemaining assignments { email user { id } grant { id } } }
}`;
const ADD_MEMBER = `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } } }`;
const CONNECT = `mutation($input: ConnectUserInput!) { connectUser(input: $input) { membership { id } } }`;
const ACCEPT_JOIN = `mutation($token: String!) {
  acceptMembershipInvitation(input: { token: $token }) { membership { role organization { id } user { email } } }
}`;
const MEMBERS = `query($org: UUID!, $search: String) { members(organizationId: $org, filter: { search: $search }) { totalCount } }`;
const ME = `{ me { emailVerified user { email } memberships { organizationId role } } }`;
const MY_ACCESS = `{ myAccess { edges { node { product { name } status } } } }`;
const SEND = `mutation($input: SendCodeInput!) { sendCode(input: $input) { send { id } } }`;
const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id product { name } } } }`;
const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { accessToken } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }`;
const MESSAGES = `query($org: UUID!) { messages(organizationId: $org, first: 100) { edges { node { kind recipient } } } }`;
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
const COPY_LINK = `mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`;
const ACCEPT_INVITATION = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken user { email } } }`;
const CODE_STATUS = `query($id: UUID!) { code(id: $id) { status } }`;

const APP = 'https://app.example.test';

function link(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${APP.replace(/\./g, '\\.')}/${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${path} link in:\n${mail.text}`);
  return match[1];
}

describe('account consent: no organisation holds the keys to a platform-wide account', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;
  let orgA: Organization;
  let orgB: Organization;
  let adminA: Person;
  let adminB: Person;
  let priceA: string;
  let priceB: string;
  let codesA: { id: string; code: string }[];
  /** Codes of A that no step of the tests hands out (seats are taken from the other end). */
  const spareA = (index: number) => codesA[codesA.length - 1 - index];

  // Up to 30 s: a background upload's mails (hundreds, behind its events) on a loaded CI machine; the
  // wait is not what these tests measure.
  const mailsTo = async (address: string, count: number) => {
    await eventually(() => expect(smtp.mailsTo(address)).toHaveLength(count), { timeoutMs: 30_000 });
    return smtp.mailsTo(address);
  };
  const signIn = async (email: string, password: string) => (await t.client.ok(LOGIN, { email, password })).login.accessToken as string;
  const assign = (admin: Person, organizationId: string, priceId: string, person: Record<string, string>) =>
    admin.client.ok(ASSIGN, { input: { organizationId, priceId, people: [{ firstName: 'Sam', lastName: 'Doe', ...person }] } });

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: `${APP}/` } });
    fixtures = new Fixtures(t);
    ({ organization: orgA, admin: adminA } = await fixtures.organization('Harbour A'));
    ({ organization: orgB, admin: adminB } = await fixtures.organization('Rival B'));
    ({
      price: { id: priceA },
    } = await fixtures.catalogue(orgA, { productName: 'Course of A' }));
    ({
      price: { id: priceB },
    } = await fixtures.catalogue(orgB, { productName: 'Course of B' }));
    codesA = await fixtures.codes(orgA, { quantity: 10, priceId: priceA });
    await fixtures.codes(orgB, { quantity: 20, priceId: priceB });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it("B adds, connects and assigns a person A made: no membership, no B mail, the platform's invitation; accepted signed in → member", async () => {
    // A gives Vera a seat; she sets her password with the link A's mail brought her.
    const vera = 'vera@example.test';
    await assign(adminA, orgA.id, priceA, { email: vera, firstName: 'Vera' });
    const [accountMail] = await mailsTo(vera, 1);
    await t.client.ok(SET_PASSWORD, { input: { token: link(accountMail, 'set-password'), password: 'vera own password' } });
    const veraClient = t.client.as(await signIn(vera, 'vera own password'));
    const [{ id: veraId }] = (await t.dataSource.query(`SELECT id FROM user_account WHERE email = $1`, [vera])) as { id: string }[];

    // B's admin makes its own templates into a trap first (the attack of finding 1), then tries every way in.
    // (JOIN_INVITATION is Tessera's own text: B cannot even save one.)
    expect(
      (
        await adminB.client.fails(
          `mutation($input: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $input) { template { kind } } }`,
          {
            input: { organizationId: orgB.id, kind: 'JOIN_INVITATION', subject: 'B-TRAP', html: '<p>B-TRAP</p>', text: 'B-TRAP' },
          },
        )
      ).code,
    ).toBe('BAD_USER_INPUT');
    for (const kind of ['ACCOUNT_CREATED', 'REGISTRATION_CONFIRMED']) {
      await adminB.client.ok(
        `mutation($input: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $input) { template { kind } } }`,
        { input: { organizationId: orgB.id, kind, subject: 'B-TRAP', html: '<p>B-TRAP</p>', text: 'B-TRAP' } },
      );
    }
    expect(
      (
        await adminB.client.ok(ADD_MEMBER, {
          input: { organizationId: orgB.id, email: 'VERA@example.test', firstName: 'X', lastName: 'Y' },
        })
      ).addMember,
    ).toEqual({ membership: null });
    await mailsTo(vera, 2);
    expect(
      (await adminB.client.ok(CONNECT, { input: { organizationId: orgB.id, userId: veraId, role: 'ORG_ADMIN' } })).connectUser,
    ).toEqual({
      membership: null,
    });
    // While that invitation is open, connecting again mails nothing more (no flooding a stranger's inbox);
    // a seat comes with an invitation of its own, which holds it.
    const assigned = await assign(adminB, orgB.id, priceB, { email: vera, password: 'b chose this one' });
    expect(assigned.assignSeats.assignments).toEqual([{ email: vera, user: null, grant: null }]);
    const mails = await mailsTo(vera, 3);
    const [{ count: offers }] = (await t.dataSource.query(
      `SELECT count(*)::int AS count FROM membership_invitation WHERE user_id = $1 AND organization_id = $2`,
      [veraId, orgB.id],
    )) as { count: number }[];
    expect(offers).toBe(2);

    // Nothing attached: B has no such member, Vera belongs to A only, and B cannot mail her a code.
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: vera })).members.totalCount).toBe(0);
    expect((await veraClient.ok(ME)).me.memberships).toEqual([{ organizationId: orgA.id, role: 'MEMBER' }]);
    const [codeB] = (await t.dataSource.query(`SELECT id FROM code WHERE organization_id = $1 AND status = 'AVAILABLE' LIMIT 1`, [
      orgB.id,
    ])) as { id: string }[];
    expect(await adminB.client.fails(SEND, { input: { codeId: codeB.id, email: vera } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await adminB.client.fails(SEND, { input: { codeId: codeB.id, userId: veraId } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    // B's password did not become hers.
    expect(await t.client.fails(LOGIN, { email: vera, password: 'b chose this one' })).toMatchObject({ code: 'UNAUTHENTICATED' });

    // The two mails are the platform's invitation to join, never B's text, and B's log holds none of them.
    for (const mail of mails.slice(1)) {
      expect(mail.subject).toBe('Rival B invites you to join');
      expect(mail.raw).not.toContain('B-TRAP');
    }
    const logged = (await adminB.client.ok(MESSAGES, { org: orgB.id })).messages.edges.map(
      (edge: { node: { recipient: string } }) => edge.node.recipient,
    );
    expect(logged).not.toContain(vera);

    // Only Vera, signed in, can accept: not anonymously, not as B's admin holding her link.
    const seatToken = link(mails[2], 'join');
    expect(await t.client.fails(ACCEPT_JOIN, { token: seatToken })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await adminB.client.fails(ACCEPT_JOIN, { token: seatToken })).toMatchObject({ code: 'FORBIDDEN' });
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: vera })).members.totalCount).toBe(0);

    const LOOK_UP = `query($token: String!) { membershipInvitation(token: $token) { organizationName email canAccept closedReason } }`;
    expect((await t.client.ok(LOOK_UP, { token: seatToken })).membershipInvitation).toEqual({
      organizationName: 'Rival B',
      email: vera,
      canAccept: true,
      closedReason: null,
    });

    // She accepts the one that came with a seat: a member of B, with the seat held for her.
    const { acceptMembershipInvitation } = await veraClient.ok(ACCEPT_JOIN, { token: seatToken });
    expect(acceptMembershipInvitation.membership).toEqual({ role: 'MEMBER', organization: { id: orgB.id }, user: { email: vera } });
    expect(
      (await veraClient.ok(MY_ACCESS)).myAccess.edges.map((edge: { node: { product: { name: string } } }) => edge.node.product.name).sort(),
    ).toEqual(['Course of A', 'Course of B']);
    expect(await veraClient.fails(ACCEPT_JOIN, { token: seatToken })).toMatchObject({ code: 'CONFLICT' });
    expect((await t.client.ok(LOOK_UP, { token: seatToken })).membershipInvitation).toMatchObject({
      canAccept: false,
      closedReason: 'This invitation has already been accepted.',
    });
    // Now she is B's member (who has redeemed B's seat), not a stranger to B.
    expect(await adminB.client.fails(SEND, { input: { codeId: codeB.id, email: vera } })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'RECIPIENT_ALREADY_REDEEMED' },
    });
  });

  it('an account whose password B chose cannot redeem A’s code until its owner proves the address, then can', async () => {
    const address = 'chosen@example.test';
    await assign(adminB, orgB.id, priceB, { email: address, password: 'b admin chose it' });
    // B's admin signs in as the person: B's own seat works, nothing beyond B does.
    const held = t.client.as(await signIn(address, 'b admin chose it'));
    expect((await held.ok(ME)).me.emailVerified).toBe(false);
    expect((await held.ok(MY_ACCESS)).myAccess.edges).toEqual([{ node: { product: { name: 'Course of B' }, status: 'ACTIVE' } }]);
    expect(await held.fails(REDEEM, { code: spareA(0).code })).toMatchObject({ code: 'FORBIDDEN' });
    expect((await adminA.client.ok(CODE_STATUS, { id: spareA(0).id })).code.status).toBe('AVAILABLE');
    expect((await held.ok(ME)).me.memberships).toEqual([{ organizationId: orgB.id, role: 'MEMBER' }]);

    // The owner proves the address with the platform's mail, choosing their own password.
    const mails = await mailsTo(address, 2);
    const verify = mails.find((mail) => mail.subject === 'Confirm your e-mail address')!;
    expect(verify.raw).not.toContain('B-TRAP');
    await t.client.ok(SET_PASSWORD, { input: { token: link(verify, 'set-password'), password: 'the owner chose this' } });
    expect(await t.client.fails(LOGIN, { email: address, password: 'b admin chose it' })).toMatchObject({ code: 'UNAUTHENTICATED' });
    const owner = t.client.as(await signIn(address, 'the owner chose this'));
    expect((await owner.ok(ME)).me.emailVerified).toBe(true);
    expect((await owner.ok(REDEEM, { code: spareA(0).code })).redeemCode.grant.product).toEqual({ name: 'Course of A' });
  });

  it('an account made through an invitation link B copied is unverified: it cannot take A’s code or A’s invitation', async () => {
    const address = 'copied@example.test';
    const { inviteByEmail } = await adminB.client.ok(INVITE, { input: { organizationId: orgB.id, priceId: priceB, emails: [address] } });
    const { url } = (await adminB.client.ok(COPY_LINK, { id: inviteByEmail.invitations[0].id })).copyInvitationLink;
    const token = new URL(url).searchParams.get('token')!;
    const { acceptInvitation } = await t.client.ok(ACCEPT_INVITATION, {
      input: { token, firstName: 'Not', lastName: 'Them', password: 'b admin typed this' },
    });
    const held = t.client.as(acceptInvitation.accessToken);
    expect((await held.ok(ME)).me).toMatchObject({ emailVerified: false, memberships: [{ organizationId: orgB.id }] });
    expect(await held.fails(REDEEM, { code: spareA(1).code })).toMatchObject({ code: 'FORBIDDEN' });

    // A invites the address; even holding A's link (it went to the owner), B's password takes nothing of A's.
    const invited = await adminA.client.ok(INVITE, { input: { organizationId: orgA.id, priceId: priceA, emails: [address] } });
    const aLink = (await adminA.client.ok(COPY_LINK, { id: invited.inviteByEmail.invitations[0].id })).copyInvitationLink.url;
    expect(
      await t.client.fails(ACCEPT_INVITATION, {
        input: { token: new URL(aLink).searchParams.get('token'), password: 'b admin typed this' },
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await held.ok(ME)).me.memberships).toEqual([{ organizationId: orgB.id, role: 'MEMBER' }]);
  });

  it('B’s answers look the same for a fresh address and for an address with an account elsewhere', async () => {
    await assign(adminA, orgA.id, priceA, { email: 'has-account@example.test', password: 'a password of theirs' });
    const strip = (answer: Record<string, any>) => ({
      ...answer.assignSeats,
      assignments: (answer.assignSeats.assignments as { email: string }[]).map((assignment) => ({ ...assignment, email: '…' })),
    });
    const fresh = await assign(adminB, orgB.id, priceB, { email: 'nobody-yet@example.test', password: 'b chose for fresh' });
    const elsewhere = await assign(adminB, orgB.id, priceB, { email: 'has-account@example.test', password: 'b chose for fresh' });
    expect({ ...strip(elsewhere), seatsRemaining: 0 }).toEqual({ ...strip(fresh), seatsRemaining: 0 });
    expect(elsewhere.assignSeats.seatsRemaining).toBe(fresh.assignSeats.seatsRemaining - 1);
    expect(strip(fresh).assignments).toEqual([{ email: '…', user: null, grant: null }]);

    // A refusal is the same too: a used seat named for either address.
    const [used] = (await t.dataSource.query(`SELECT id FROM code WHERE organization_id = $1 AND status = 'REDEEMED' LIMIT 1`, [
      orgB.id,
    ])) as { id: string }[];
    const refuse = async (email: string) => {
      const error = await adminB.client.fails(ASSIGN, {
        input: { organizationId: orgB.id, codeIds: [used.id], people: [{ email, firstName: 'Sam', lastName: 'Doe' }] },
      });
      return { code: error.code, message: error.message, extensions: error.extensions };
    };
    expect(await refuse('has-account@example.test')).toEqual(await refuse('still-nobody@example.test'));
    expect((await refuse('still-nobody@example.test')).code).toBe('BAD_USER_INPUT');

    // B's own invitation mail (and the subject in B's log) names no one it does not know: an account's names stay out of it.
    await adminB.client.ok(`mutation($input: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $input) { template { kind } } }`, {
      input: {
        organizationId: orgB.id,
        kind: 'INVITATION',
        subject: 'Names:{{recipient.firstName}}/{{recipient.lastName}}',
        html: '<p>{{recipient.email}}</p>',
        text: '{{recipient.email}}',
      },
    });
    const invite = async (email: string) => {
      await adminB.client.ok(INVITE, { input: { organizationId: orgB.id, priceId: priceB, emails: [email] } });
      const mail = await eventually(() => {
        const found = smtp.mailsTo(email).find((sent) => sent.subject.startsWith('Names:'));
        if (!found) throw new Error(`No invitation to ${email} yet`);
        return found;
      });
      return mail.subject;
    };
    expect(await invite('has-account@example.test')).toBe('Names:/');
    expect(await invite('nobody-at-all@example.test')).toBe('Names:/');
    // The log records a send's subject once the mail server has taken it: moments after the sink has the mail.
    await eventually(async () => {
      const subjects = (
        await adminB.client.ok(
          `query($org: UUID!) { messages(organizationId: $org, first: 100) { edges { node { recipient subject } } } }`,
          {
            org: orgB.id,
          },
        )
      ).messages.edges
        .map((edge: { node: { recipient: string; subject: string | null } }) => edge.node)
        .filter((node: { recipient: string }) => ['has-account@example.test', 'nobody-at-all@example.test'].includes(node.recipient));
      expect(subjects.map((node: { subject: string | null }) => node.subject)).toEqual(['Names:/', 'Names:/']);
    });

    const add = (email: string) =>
      adminB.client.ok(ADD_MEMBER, { input: { organizationId: orgB.id, email, firstName: 'Sam', lastName: 'Doe' } });
    expect(await add('has-account@example.test')).toEqual(await add('another-fresh@example.test'));
  });

  it('the link’s page: the invited person signs in there and joins; a wrong password or another account joins nobody', async () => {
    const page = async (path: string, form?: Record<string, string>) => {
      const response = await fetch(`${t.url}${path}`, form ? { method: 'POST', body: new URLSearchParams(form) } : {});
      return { status: response.status, html: await response.text() };
    };
    const mo = await fixtures.person({ email: 'mo@example.test', firstName: 'Mo' });
    await fixtures.member(orgA, undefined, mo);
    await adminB.client.ok(ADD_MEMBER, { input: { organizationId: orgB.id, email: mo.user.email, firstName: 'X', lastName: 'Y' } });
    const [invitation] = await mailsTo(mo.user.email, 1);
    const token = link(invitation, 'join');

    const shown = await page(`/join?token=${token}`);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Rival B invites your account, mo@example.test, to join it.');
    const wrong = await page('/join', { token, email: mo.user.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    // B's admin, holding the link, signs in as themselves: refused, nobody joins.
    const other = await page('/join', { token, email: adminB.user.email, password: FIXTURE_PASSWORD });
    expect(other.status).toBe(403);
    expect(other.html).toContain('This invitation is for another account');
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: mo.user.email })).members.totalCount).toBe(0);
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: adminB.user.email })).members.totalCount).toBe(1);

    const joined = await page('/join', { token, email: mo.user.email, password: FIXTURE_PASSWORD });
    expect(joined.status).toBe(200);
    expect(joined.html).toContain('mo@example.test is now a member of Rival B.');
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: mo.user.email })).members.totalCount).toBe(1);
    expect((await page(`/join?token=${token}`)).status).toBe(409);
  });

  it('ten simultaneous acceptances of one invitation: one membership, one seat; a second seat held meanwhile goes back to B', async () => {
    const pat = await fixtures.person({ email: 'pat.twice@example.test' });
    await fixtures.member(orgA, undefined, pat);
    await assign(adminB, orgB.id, priceB, { email: pat.user.email });
    const [first] = await mailsTo(pat.user.email, 1);
    await assign(adminB, orgB.id, priceB, { email: pat.user.email });
    const [, second] = await mailsTo(pat.user.email, 2);

    const results = await Promise.all(Array.from({ length: 10 }, () => pat.client.request(ACCEPT_JOIN, { token: link(first, 'join') })));
    const codes = results.map((result) => (result.errors ? (result.errors[0].extensions as { code: string }).code : 'OK'));
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(9);
    await pat.client.ok(ACCEPT_JOIN, { token: link(second, 'join') });

    expect((await pat.client.ok(MY_ACCESS)).myAccess.edges).toEqual([{ node: { product: { name: 'Course of B' }, status: 'ACTIVE' } }]);
    const seats = (await t.dataSource.query(
      `SELECT i.status AS invitation, c.status AS code FROM invitation i JOIN code c ON c.id = i.code_id WHERE i.email = $1 ORDER BY i.created_at`,
      [pat.user.email],
    )) as { invitation: string; code: string }[];
    expect(seats).toEqual([
      { invitation: 'ACCEPTED', code: 'REDEEMED' },
      { invitation: 'REVOKED', code: 'AVAILABLE' },
    ]);
    const [{ count }] = (await t.dataSource.query(
      `SELECT count(*)::int AS count FROM membership WHERE user_id = $1 AND organization_id = $2`,
      [pat.user.id, orgB.id],
    )) as { count: number }[];
    expect(count).toBe(1);
  });

  it('a large upload, carried out in the background by a worker, attaches no existing account either', async () => {
    const bea = await fixtures.person({ email: 'bea.bulk@example.test' });
    await fixtures.member(orgA, undefined, bea);
    await fixtures.codes(orgB, { quantity: 205, priceId: priceB, prefix: 'BULK' });
    const rows = [...Array.from({ length: 200 }, (_, i) => `New,${i},new${i}@bulk.test`), `Bea,Bulk,${bea.user.email}`];
    const uploaded = await adminB.client.upload(
      `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status } }`,
      { input: { organizationId: orgB.id, priceId: priceB, file: null } },
      { 'input.file': { content: `First name,Last name,E-mail\r\n${rows.join('\r\n')}\r\n`, filename: 'people.csv' } },
    );
    const { id, status } = uploaded.data!.uploadSeatAssignments;
    expect(status).toBe('VALID');
    const started = await adminB.client.ok(`mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { status } }`, { id });
    expect(started.completePeopleImport.status).toBe('RUNNING');
    await eventually(
      async () =>
        expect((await adminB.client.ok(`query($id: UUID!) { peopleImport(id: $id) { status } }`, { id })).peopleImport.status).toBe(
          'COMPLETED',
        ),
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: bea.user.email })).members.totalCount).toBe(0);
    expect((await bea.client.ok(ME)).me.memberships).toEqual([{ organizationId: orgA.id, role: 'MEMBER' }]);
    const [invitation] = await mailsTo(bea.user.email, 1);
    expect(invitation.subject).toBe('Rival B invites you to join');
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: 'new200' })).members.totalCount).toBe(0);
    expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: '@bulk.test' })).members.totalCount).toBe(200);
  }, 90_000);

  it('B cannot flood an account with join mails: five seats assigned and revoked give at most three mails, and answers like a fresh address', async () => {
    const victim = await fixtures.person({ email: 'flooded@example.test' });
    await fixtures.member(orgA, undefined, victim);
    const strip = (answer: Record<string, any>) => ({
      ...answer.assignSeats,
      seatsRemaining: 0,
      assignments: (answer.assignSeats.assignments as { email: string }[]).map((assignment) => ({ ...assignment, email: '…' })),
    });
    const pendingSeat = async (email: string) => {
      const { invitations } = await adminB.client.ok(
        `query($org: UUID!, $search: String) { invitations(organizationId: $org, filter: { search: $search, status: [PENDING] }) { edges { node { id } } } }`,
        { org: orgB.id, search: email },
      );
      return (invitations.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
    };
    const revoke = async (email: string) => {
      for (const invitationId of await pendingSeat(email)) {
        await adminB.client.ok(`mutation($input: InvitationIdInput!) { revokeInvitation(input: $input) { invitation { id } } }`, {
          input: { invitationId },
        });
      }
    };

    // The attack: assign the account a seat (a join mail), revoke the seat (it comes back), again.
    for (let round = 0; round < 5; round++) {
      const fresh = await assign(adminB, orgB.id, priceB, { email: `flood-fresh-${round}@example.test` });
      const flooded = await assign(adminB, orgB.id, priceB, { email: victim.user.email });
      // Every answer is a fresh address's, before and past the bound: B cannot tell which mails went.
      expect(strip(flooded)).toEqual(strip(fresh));
      expect(flooded.assignSeats.seatsRemaining).toBe(fresh.assignSeats.seatsRemaining - 1);
      expect(await pendingSeat(victim.user.email)).toHaveLength(1);
      await revoke(victim.user.email);
      await revoke(`flood-fresh-${round}@example.test`);
    }

    // Five offers are recorded; three join mails were queued and sent, no more.
    const [{ offers }] = (await t.dataSource.query(
      `SELECT count(*)::int AS offers FROM membership_invitation WHERE user_id = $1 AND organization_id = $2`,
      [victim.user.id, orgB.id],
    )) as { offers: number }[];
    expect(offers).toBe(5);
    await eventually(async () => {
      const queued = (await t.dataSource.query(`SELECT status FROM message WHERE kind = 'JOIN_INVITATION' AND recipient = $1`, [
        victim.user.email,
      ])) as { status: string }[];
      expect(queued).toEqual([{ status: 'SENT' }, { status: 'SENT' }, { status: 'SENT' }]);
    });
    const mails = smtp.mailsTo(victim.user.email);
    expect(mails.map((mail) => mail.subject)).toEqual(Array(3).fill('Rival B invites you to join'));

    // Five at once do no better: the offers are counted one at a time.
    const other = await fixtures.person({ email: 'flooded-at-once@example.test' });
    await fixtures.member(orgA, undefined, other);
    const answers = await Promise.all(Array.from({ length: 5 }, () => assign(adminB, orgB.id, priceB, { email: other.user.email })));
    expect(answers.map((answer) => strip(answer).assignments)).toEqual(Array(5).fill([{ email: '…', user: null, grant: null }]));
    const [{ queuedAtOnce }] = (await t.dataSource.query(
      `SELECT count(*)::int AS "queuedAtOnce" FROM message WHERE kind = 'JOIN_INVITATION' AND recipient = $1`,
      [other.user.email],
    )) as { queuedAtOnce: number }[];
    expect(queuedAtOnce).toBe(3);
    await revoke(other.user.email);
  });

  /**
   * Issue 16 (holders): B must not learn that a person has access through A. A gives the person a
   * seat of a product of the platform's catalogue, which B sells too; B then invites them, uploads
   * files naming them and, once they are B's member too, gives them a seat.
   */
  describe('a product both organisations sell', () => {
    const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) {
      uploadSeatAssignments(input: $input) { id status rowCount seatsFree problems { row column value message } }
    }`;
    const UPLOAD_INVITES = `mutation($input: UploadInvitationsInput!) {
      uploadInvitations(input: $input) { id status rowCount seatsFree problems { row column value message } }
    }`;
    const COMPLETE = `mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { status error problems { row message } } }`;
    const INVITE_ANSWER = `mutation($input: InviteByEmailInput!) {
      inviteByEmail(input: $input) { seatsRemaining invitations { email status acceptedByUserId closedAt } }
    }`;
    const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`;
    let pricePlatform: string;

    /** The answer with the address in it made anonymous, to compare two addresses' answers. */
    const anonymous = (answer: unknown, email: string) => JSON.parse(JSON.stringify(answer).split(email).join('…')) as unknown;
    const grantsOf = async (userId: string) =>
      (await t.dataSource.query(
        `SELECT organization_id AS "organizationId", status FROM access_grant WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      )) as { organizationId: string; status: string }[];
    /** B's seats of the platform's product by status. */
    const seatsOfB = async () =>
      Object.fromEntries(
        (
          (await t.dataSource.query(
            `SELECT status, count(*)::int AS count FROM code WHERE organization_id = $1 AND price_id = $2 GROUP BY status`,
            [orgB.id, pricePlatform],
          )) as { status: string; count: number }[]
        ).map((row) => [row.status, row.count]),
      );
    const invitationLinks = async (email: string, count: number) =>
      eventually(() => {
        const found = smtp.mailsTo(email).filter((mail) => mail.text.includes(`${APP}/invitations/accept?token=`));
        expect(found).toHaveLength(count);
        return found.map((mail) => link(mail, 'invitations/accept'));
      });
    /** A person who is A's member and has a seat of the platform's product from A. */
    const holderThroughA = async (email: string) => {
      const person = await fixtures.person({ email, firstName: 'Held' });
      await fixtures.member(orgA, undefined, person);
      await adminA.client.ok(ASSIGN, { input: { organizationId: orgA.id, priceId: pricePlatform, userIds: [person.user.id] } });
      expect(await grantsOf(person.user.id)).toEqual([{ organizationId: orgA.id, status: 'ACTIVE' }]);
      return person;
    };

    beforeAll(async () => {
      ({
        price: { id: pricePlatform },
      } = await fixtures.catalogue(null, { productName: 'Platform course' }));
      await fixtures.codes(orgA, { quantity: 5, priceId: pricePlatform, prefix: 'PA' });
      await fixtures.codes(orgB, { quantity: 30, priceId: pricePlatform, prefix: 'PB' });
    });

    it('B’s invitation and both uploads answer for a person with access through A as for a fresh address; accepting tells the person, and the seat goes back to B', async () => {
      const victim = await holderThroughA('victim.shared@example.test');
      const fresh = 'fresh.shared@example.test';
      const upload = async (mutation: string, email: string) => {
        const answer = await adminB.client.upload(
          mutation,
          { input: { organizationId: orgB.id, priceId: pricePlatform, file: null } },
          { 'input.file': { content: `First name,Last name,E-mail\r\nSam,Doe,${email}\r\n`, filename: 'people.csv' } },
        );
        const report = Object.values(answer.data ?? {})[0] as { id: string } | undefined;
        return { id: report?.id, answer: anonymous({ ...answer, data: report && { ...report, id: '…' } }, email) };
      };

      // The uploads, checked (nothing written): the same report for both, VALID.
      const seatsVictim = await upload(UPLOAD_SEATS, victim.user.email);
      const seatsFresh = await upload(UPLOAD_SEATS, fresh);
      expect(seatsVictim.answer).toEqual(seatsFresh.answer);
      expect(seatsFresh.answer).toMatchObject({ data: { status: 'VALID', problems: [] } });
      const invitesVictim = await upload(UPLOAD_INVITES, victim.user.email);
      const invitesFresh = await upload(UPLOAD_INVITES, fresh);
      expect(invitesVictim.answer).toEqual(invitesFresh.answer);
      expect(invitesFresh.answer).toMatchObject({ data: { status: 'VALID', problems: [] } });

      // Carried out: the same again (the invitations' file is where the old check refused at completion).
      for (const [forVictim, forFresh] of [
        [invitesVictim, invitesFresh],
        [seatsVictim, seatsFresh],
      ]) {
        const done = await Promise.all(
          [forVictim, forFresh].map(async ({ id }) => {
            const { data, errors } = await adminB.client.request(COMPLETE, { id });
            return { data, errors };
          }),
        );
        expect(done[0]).toEqual(done[1]);
        expect(done[0]).toMatchObject({ data: { completePeopleImport: { status: 'COMPLETED', error: null, problems: [] } } });
      }

      // inviteByEmail, by price and by a named seat: the same answers (the seats left differ by the one just held).
      const invite = async (email: string) => {
        const answer = await adminB.client.request(INVITE_ANSWER, {
          input: { organizationId: orgB.id, priceId: pricePlatform, emails: [email] },
        });
        return anonymous({ ...answer, data: answer.data && { inviteByEmail: { ...answer.data.inviteByEmail, seatsRemaining: 0 } } }, email);
      };
      // (A fresh address again: the first one has B's seat by now, from the file.)
      const byPrice = await invite(`price.${fresh}`);
      expect(await invite(victim.user.email)).toEqual(byPrice);
      expect(byPrice).toMatchObject({
        data: { inviteByEmail: { invitations: [{ email: '…', status: 'PENDING', acceptedByUserId: null, closedAt: null }] } },
      });
      const [free] = (await t.dataSource.query(
        `SELECT id FROM code WHERE organization_id = $1 AND price_id = $2 AND status = 'AVAILABLE' LIMIT 1`,
        [orgB.id, pricePlatform],
      )) as { id: string }[];
      const inviteToSeat = async (email: string) =>
        anonymous(
          await adminB.client.request(INVITE_ANSWER, { input: { organizationId: orgB.id, codeId: free.id, emails: [email] } }),
          email,
        );
      expect(await inviteToSeat(victim.user.email)).toEqual(await inviteToSeat(`seat.${fresh}`));

      // The person accepts B's invitations (the file's, by price, the named seat's) signed in: told they have
      // access already; each seat goes back to B, nothing of B's is written for them, A's grant is untouched.
      const tokens = await invitationLinks(victim.user.email, 3);
      const before = await seatsOfB();
      for (const token of tokens) {
        const refused = await t.client.fails(ACCEPT, { input: { token, password: FIXTURE_PASSWORD } });
        expect(refused).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'ALREADY_HAS_ACCESS' } });
        expect(refused.message).toBe(
          'You already have access to Platform course: this invitation is not needed, and its seat stays with the organisation.',
        );
      }
      const invitations = (await t.dataSource.query(
        `SELECT i.status AS invitation, c.status AS code FROM invitation i JOIN code c ON c.id = i.code_id
          WHERE i.email = $1 AND i.organization_id = $2 ORDER BY i.created_at`,
        [victim.user.email, orgB.id],
      )) as { invitation: string; code: string }[];
      // The file's and the price's seats are free again; the named seat is still held by the fresh address's invitation.
      expect(invitations.filter((row) => row.invitation === 'REVOKED')).toHaveLength(3);
      expect(await seatsOfB()).toMatchObject({ AVAILABLE: before.AVAILABLE + 2 });
      expect(await grantsOf(victim.user.id)).toEqual([{ organizationId: orgA.id, status: 'ACTIVE' }]);
      expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: victim.user.email })).members.totalCount).toBe(0);
      // Again (a double submit, a later click): the same message, nothing changes.
      const again = await t.client.fails(ACCEPT, { input: { token: tokens[0], password: FIXTURE_PASSWORD } });
      expect(again.extensions).toMatchObject({ reason: 'ALREADY_HAS_ACCESS' });
      expect(await grantsOf(victim.user.id)).toEqual([{ organizationId: orgA.id, status: 'ACTIVE' }]);
    });

    it('a member of B with access through A: B’s seat answers as for any member until it is used; the seat is held for them and goes back, never a second grant', async () => {
      const victim = await holderThroughA('member.shared@example.test');
      await fixtures.member(orgB, undefined, victim);
      const { person: plain } = await fixtures.member(orgB);
      const { person: owner } = await fixtures.member(orgB);
      await adminB.client.ok(ASSIGN, { input: { organizationId: orgB.id, priceId: pricePlatform, userIds: [owner.user.id] } });

      // The probe: the person first, then a row that always fails (B's own grant). It used to fail on the
      // first row for the person with access through A, and on the second for anyone else.
      const probe = async (userId: string) => {
        const error = await adminB.client.fails(ASSIGN, {
          input: { organizationId: orgB.id, priceId: pricePlatform, userIds: [userId, owner.user.id] },
        });
        return { code: error.code, message: error.message, extensions: error.extensions };
      };
      const before = await seatsOfB();
      expect(await probe(victim.user.id)).toEqual(await probe(plain.user.id));
      expect((await probe(plain.user.id)).extensions).toMatchObject({
        fields: [{ field: 'userIds.1', message: 'This person already has access to Platform course.' }],
      });
      expect(await seatsOfB()).toEqual(before);

      // Given a seat for real: held for them by an invitation mailed to them; no grant of B's.
      const { assignSeats } = await adminB.client.ok(ASSIGN, {
        input: { organizationId: orgB.id, priceId: pricePlatform, userIds: [victim.user.id] },
      });
      expect(assignSeats.assignments).toEqual([{ email: victim.user.email, user: null, grant: null }]);
      expect(await seatsOfB()).toMatchObject({ AVAILABLE: before.AVAILABLE - 1, PENDING: (before.PENDING ?? 0) + 1 });
      const [token] = await invitationLinks(victim.user.email, 1);

      // Ten simultaneous acceptances (a double-clicking browser): each told they have access, the seat back once.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => t.client.request(ACCEPT, { input: { token, password: FIXTURE_PASSWORD } })),
      );
      expect(results.map((result) => result.errors?.[0]?.extensions?.reason)).toEqual(Array(10).fill('ALREADY_HAS_ACCESS'));
      expect(await seatsOfB()).toEqual(before);
      expect(await grantsOf(victim.user.id)).toEqual([{ organizationId: orgA.id, status: 'ACTIVE' }]);
    });

    it('A’s grant racing B’s acceptance: the one-grant index refuses B’s, nothing of it stays, the seat goes back', async () => {
      const racer = await fixtures.person({ email: 'racer.shared@example.test' });
      await fixtures.member(orgA, undefined, racer);
      await adminB.client.ok(INVITE_ANSWER, { input: { organizationId: orgB.id, priceId: pricePlatform, emails: [racer.user.email] } });
      const [token] = await invitationLinks(racer.user.email, 1);
      const before = await seatsOfB();
      const [seatOfA] = (await t.dataSource.query(
        `SELECT code.id, code.code_type AS "codeType", price.product_id AS "productId" FROM code JOIN price ON price.id = code.price_id
          WHERE code.organization_id = $1 AND code.price_id = $2 AND code.status = 'AVAILABLE' LIMIT 1`,
        [orgA.id, pricePlatform],
      )) as { id: string; codeType: string | null; productId: string }[];

      // A's grant for the same person and product is written, not yet committed, while B's acceptance runs:
      // B's check sees nothing, and its grant waits on the unique index until A's commits.
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(
          `INSERT INTO access_grant (id, organization_id, user_id, code_id, product_id, price_id, role, status, starts_at)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'ACTIVE', now())`,
          [orgA.id, racer.user.id, seatOfA!.id, seatOfA!.productId, pricePlatform, seatOfA!.codeType],
        );
        const accepting = t.client.request(ACCEPT, { input: { token, password: FIXTURE_PASSWORD } });
        await eventually(async () => {
          const [{ count }] = (await t.dataSource.query(
            `SELECT count(*)::int AS count FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO "access_grant"%'`,
          )) as { count: number }[];
          expect(count).toBe(1);
        });
        await runner.commitTransaction();
        const answer = await accepting;
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_HAS_ACCESS' });
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await seatsOfB()).toEqual({ ...before, AVAILABLE: before.AVAILABLE + 1, PENDING: before.PENDING - 1 });
      expect(await grantsOf(racer.user.id)).toEqual([{ organizationId: orgA.id, status: 'ACTIVE' }]);
      expect((await adminB.client.ok(MEMBERS, { org: orgB.id, search: racer.user.email })).members.totalCount).toBe(0);
      const [invitation] = (await t.dataSource.query(`SELECT status FROM invitation WHERE email = $1`, [racer.user.email])) as {
        status: string;
      }[];
      expect(invitation).toEqual({ status: 'REVOKED' });
    });
  });
});
