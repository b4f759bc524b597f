import { JwtService } from '@nestjs/jwt';
import { Fixtures, FIXTURE_PASSWORD, Person, TestApp } from '@tessera/testing';
import { PasswordTokensService } from '../src/identity/password-tokens.service';

const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken expiresAt user { id email } } }`;
const ME = `query { me { user { id email isPlatformAdmin } memberships { role organization { id name } } } }`;
const CREATE_ORG = `mutation Create($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id name slug } } }`;
const ADD_MEMBER = `mutation Add($input: AddMemberInput!) { addMember(input: $input) { membership { id role user { email firstName } organization { id } } } }`;
const MEMBERS = `query Members($organizationId: UUID!, $first: Int, $after: String, $filter: MemberFilter) {
  members(organizationId: $organizationId, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id role user { email } } }
  }
}`;
const CHANGE_ROLE = `mutation Change($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { membership { id role } } }`;
const REMOVE = `mutation Remove($input: RemoveMemberInput!) { removeMember(input: $input) { membership { id } } }`;

describe('identity: sign-in, organisations, members', () => {
  let t: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await TestApp.create({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT: '3' } });
    fixtures = new Fixtures(t);
  });
  afterAll(() => t.close());

  describe('login', () => {
    it('returns a bearer token that works, for the e-mail in any case', async () => {
      const person = await fixtures.person({ email: 'Kim.Lee@Example.test' });
      const { login } = await t.client.ok(LOGIN, { input: { email: 'KIM.LEE@example.TEST', password: FIXTURE_PASSWORD } });
      expect(login.user.email).toBe('kim.lee@example.test');
      expect(new Date(login.expiresAt).getTime()).toBeGreaterThan(Date.now());
      const { me } = await t.client.as(login.accessToken).ok(ME);
      expect(me.user.id).toBe(person.user.id);
    });

    it('refuses a wrong password or unknown account with UNAUTHENTICATED, then locks the account out from that client', async () => {
      const person = await fixtures.person();
      for (let attempt = 0; attempt < 3; attempt++) {
        const error = await t.client.fails(LOGIN, { input: { email: person.user.email, password: 'wrong password' } });
        expect(error).toMatchObject({ code: 'UNAUTHENTICATED', extensions: { reason: 'WRONG_CREDENTIALS' } });
      }
      const locked = await t.client.fails(LOGIN, { input: { email: person.user.email, password: FIXTURE_PASSWORD } });
      expect(locked.code).toBe('RATE_LIMITED');
      expect(locked.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect((await t.client.fails(LOGIN, { input: { email: 'nobody@example.test', password: 'x' } })).code).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['a malformed e-mail', { email: 'not-an-email', password: 'x' }, 'email'],
      ['an empty password', { email: 'a@example.test', password: '' }, 'password'],
    ])('answers %s with BAD_USER_INPUT naming the field', async (_, input, field) => {
      const error = await t.client.fails(LOGIN, { input });
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });

  it('asks for sign-in without a token, and refuses a bad one', async () => {
    expect(await t.client.fails(ME)).toMatchObject({ code: 'UNAUTHENTICATED', extensions: { reason: 'SIGN_IN_REQUIRED' } });
    expect(await t.client.as('not-a-token').fails(ME)).toMatchObject({ code: 'UNAUTHENTICATED', extensions: { reason: 'TOKEN_INVALID' } });
  });

  it('tells an expired token (sign in again) from one that is not valid', async () => {
    const person = await fixtures.person();
    const claims = { sub: person.user.id, gen: 0 };
    const expired = t.get(JwtService).sign(claims, { expiresIn: -10 });
    expect(await t.client.as(expired).fails(ME)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired: sign in again.',
      extensions: { reason: 'TOKEN_EXPIRED' },
    });
    // Expired and signed with another secret: only a token Tessera issued is called expired.
    const forged = new JwtService({ secret: 'a-secret-that-is-not-tesseras-own' }).sign(claims, { expiresIn: -10 });
    const [header, payload] = person.token.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [forged, tampered]) {
      expect(await t.client.as(token).fails(ME)).toMatchObject({ code: 'UNAUTHENTICATED', extensions: { reason: 'TOKEN_INVALID' } });
    }
    // A public operation ignores a stale token, so signing in again works with it still sent.
    const { login } = await t.client.as(expired).ok(LOGIN, { input: { email: person.user.email, password: FIXTURE_PASSWORD } });
    expect((await t.client.as(login.accessToken).ok(ME)).me.user.id).toBe(person.user.id);
  });

  describe('organisations', () => {
    it('lets platform admins create organisations, with a slug made from the name, and refuses a taken slug', async () => {
      const admin = await fixtures.platformAdmin();
      const { createOrganization } = await admin.client.ok(CREATE_ORG, { input: { name: 'Éclair Mentoring, Ltd.' } });
      expect(createOrganization.organization.slug).toBe('eclair-mentoring-ltd');
      const taken = await admin.client.fails(CREATE_ORG, { input: { name: 'Other', slug: 'eclair-mentoring-ltd' } });
      expect(taken).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'SLUG_TAKEN', field: 'slug' } });
    });

    it('refuses organisation creation to everyone else', async () => {
      const { admin } = await fixtures.organization();
      expect((await admin.client.fails(CREATE_ORG, { input: { name: 'Mine' } })).code).toBe('FORBIDDEN');
    });

    it('lists only the organisations a person belongs to; platform admins see all', async () => {
      const a = await fixtures.organization('Alpha Search Org');
      await fixtures.organization('Beta Search Org');
      const list = `query($filter: OrganizationFilter) { organizations(filter: $filter) { totalCount edges { node { name } } } }`;
      const mine = await a.admin.client.ok(list, { filter: { search: 'search org' } });
      expect(mine.organizations.edges.map((e: any) => e.node.name)).toEqual(['Alpha Search Org']);
      const root = await fixtures.platformAdmin();
      const all = await root.client.ok(list, { filter: { search: 'SEARCH ORG' } });
      expect(all.organizations.totalCount).toBe(2);
    });
  });

  describe('members', () => {
    it('adds people by e-mail (creating the account once), invites existing users to join, and searches members', async () => {
      const { organization, admin } = await fixtures.organization();
      const added = await admin.client.ok(ADD_MEMBER, {
        input: { organizationId: organization.id, email: 'New.Person@Example.test', firstName: 'Nora', lastName: 'Newcomer' },
      });
      // The answer does not say whether the address had an account (issue 16, finding 15); the members list shows her.
      expect(added.addMember.membership).toBeNull();
      const again = await admin.client.fails(ADD_MEMBER, {
        input: { organizationId: organization.id, email: 'new.person@example.test', firstName: 'N', lastName: 'N' },
      });
      expect(again).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'ALREADY_MEMBER', field: 'email' } });

      const existing = await fixtures.person({ firstName: 'Zed', lastName: 'Existing' });
      const connect = `mutation($input: ConnectUserInput!) { connectUser(input: $input) { membership { role user { id } } } }`;
      const connected = await admin.client.ok(connect, {
        input: { organizationId: organization.id, userId: existing.user.id, role: 'ORG_ADMIN' },
      });
      // An existing account is invited to join, not attached (its owner accepts signed in: account-consent.e2e-spec).
      expect(connected.connectUser.membership).toBeNull();

      const byName = await admin.client.ok(MEMBERS, { organizationId: organization.id, filter: { search: 'nora newc' } });
      expect(byName.members.edges.map((e: any) => e.node.user.email)).toEqual(['new.person@example.test']);
      expect(byName.members.edges[0].node).toMatchObject({ role: 'MEMBER' });
      const admins = await admin.client.ok(MEMBERS, { organizationId: organization.id, filter: { role: 'ORG_ADMIN' } });
      expect(admins.members.totalCount).toBe(1);
    });

    it('pages members with cursors and caps the page size', async () => {
      const { organization, admin } = await fixtures.organization();
      for (let i = 0; i < 4; i++) await fixtures.member(organization);
      const first = await admin.client.ok(MEMBERS, { organizationId: organization.id, first: 2 });
      expect(first.members.totalCount).toBe(5);
      expect(first.members.pageInfo.hasNextPage).toBe(true);
      const rest = await admin.client.ok(MEMBERS, { organizationId: organization.id, first: 10, after: first.members.pageInfo.endCursor });
      expect(rest.members.edges).toHaveLength(3);
      expect(rest.members.pageInfo.hasNextPage).toBe(false);
      const ids = [...first.members.edges, ...rest.members.edges].map((e: any) => e.node.id);
      expect(new Set(ids).size).toBe(5);

      expect((await admin.client.fails(MEMBERS, { organizationId: organization.id, first: 101 })).code).toBe('BAD_USER_INPUT');
      expect((await admin.client.fails(MEMBERS, { organizationId: organization.id, first: 0 })).code).toBe('BAD_USER_INPUT');
      expect((await admin.client.fails(MEMBERS, { organizationId: organization.id, after: 'forged' })).code).toBe('BAD_USER_INPUT');
    });

    it('changes roles and removes members, but never the last admin', async () => {
      const { organization, admin } = await fixtures.organization();
      const [adminMembership] = (await admin.client.ok(MEMBERS, { organizationId: organization.id })).members.edges.map((e: any) => e.node);
      const lastAdmin = { code: 'CONFLICT', extensions: { reason: 'LAST_ADMIN' } };
      expect(await admin.client.fails(CHANGE_ROLE, { input: { membershipId: adminMembership.id, role: 'MEMBER' } })).toMatchObject(
        lastAdmin,
      );
      expect(await admin.client.fails(REMOVE, { input: { membershipId: adminMembership.id } })).toMatchObject(lastAdmin);

      const { membership } = await fixtures.member(organization);
      const promoted = await admin.client.ok(CHANGE_ROLE, { input: { membershipId: membership.id, role: 'ORG_ADMIN' } });
      expect(promoted.changeMemberRole.membership.role).toBe('ORG_ADMIN');
      await admin.client.ok(CHANGE_ROLE, { input: { membershipId: adminMembership.id, role: 'MEMBER' } });
      await expect(admin.client.ok(MEMBERS, { organizationId: organization.id })).rejects.toThrow(/FORBIDDEN/);
    });

    it('lets a plain member see their organisation but not manage it', async () => {
      const { organization } = await fixtures.organization();
      const { person } = await fixtures.member(organization);
      const { me } = await person.client.ok(ME);
      expect(me.memberships).toEqual([{ role: 'MEMBER', organization: { id: organization.id, name: organization.name } }]);
      expect((await person.client.fails(MEMBERS, { organizationId: organization.id })).code).toBe('FORBIDDEN');
      const add = { organizationId: organization.id, email: 'x@example.test', firstName: 'X', lastName: 'Y' };
      expect((await person.client.fails(ADD_MEMBER, { input: add })).code).toBe('FORBIDDEN');
    });

    it.each([
      [
        'an unknown organisation',
        { organizationId: '01890a5d-ac96-774b-bcce-b302099a8057', email: 'a@example.test', firstName: 'A', lastName: 'B' },
        'NOT_FOUND',
      ],
      ['a malformed id', { organizationId: 'not-a-uuid', email: 'a@example.test', firstName: 'A', lastName: 'B' }, 'BAD_USER_INPUT'],
      [
        'a short password',
        {
          organizationId: '01890a5d-ac96-774b-bcce-b302099a8057',
          email: 'a@example.test',
          firstName: 'A',
          lastName: 'B',
          password: 'short',
        },
        'BAD_USER_INPUT',
      ],
      [
        'an empty first name',
        { organizationId: '01890a5d-ac96-774b-bcce-b302099a8057', email: 'a@example.test', firstName: '', lastName: 'B' },
        'BAD_USER_INPUT',
      ],
    ])('answers addMember with %s', async (_, input, code) => {
      const root: Person = await fixtures.platformAdmin();
      expect((await root.client.fails(ADD_MEMBER, { input })).code).toBe(code);
    });
  });

  describe('sessions after a password reset', () => {
    const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { accessToken } }`;
    /** A reset link as the "forgot password" mail carries it. */
    const resetLink = async (userId: string) => new URL((await t.get(PasswordTokensService).issue(userId)).url).searchParams.get('token')!;

    it('ends every session from before a reset; the new one and sign-ins after it work, until the next reset', async () => {
      const person = await fixtures.person();
      // The attacker's copy of a session: a token taken before the owner resets the password.
      const { login: stolen } = await t.client.ok(LOGIN, { input: { email: person.user.email, password: FIXTURE_PASSWORD } });
      expect((await t.client.as(stolen.accessToken).ok(ME)).me.user.id).toBe(person.user.id);

      const first = (
        await t.client.ok(SET_PASSWORD, { input: { token: await resetLink(person.user.id), password: 'the first new password' } })
      ).setPassword.accessToken;
      for (const old of [stolen.accessToken, person.token]) {
        const error = await t.client.as(old).fails(ME);
        expect(error).toMatchObject({ code: 'UNAUTHENTICATED', extensions: { reason: 'SESSION_ENDED' } });
        expect(error.message).toMatch(/password was changed: sign in again/);
      }
      // Issued in the same second as the reset (JWT times are whole seconds), and still good.
      expect((await t.client.as(first).ok(ME)).me.user.id).toBe(person.user.id);
      const { login: signedIn } = await t.client.ok(LOGIN, { input: { email: person.user.email, password: 'the first new password' } });
      expect((await t.client.as(signedIn.accessToken).ok(ME)).me.user.id).toBe(person.user.id);

      const second = (
        await t.client.ok(SET_PASSWORD, { input: { token: await resetLink(person.user.id), password: 'the second new password' } })
      ).setPassword.accessToken;
      expect((await t.client.as(second).ok(ME)).me.user.id).toBe(person.user.id);
      for (const old of [first, signedIn.accessToken, stolen.accessToken])
        expect((await t.client.as(old).fails(ME)).code).toBe('UNAUTHENTICATED');
    });

    it('leaves other people’s sessions alone, and a reset link that is only asked for ends nothing', async () => {
      const owner = await fixtures.person();
      const other = await fixtures.person();
      await t.client.ok(`mutation($email: String!) { requestPasswordReset(input: { email: $email }) { accepted } }`, {
        email: owner.user.email,
      });
      await resetLink(owner.user.id);
      expect((await owner.client.ok(ME)).me.user.id).toBe(owner.user.id);
      await t.client.ok(SET_PASSWORD, { input: { token: await resetLink(owner.user.id), password: 'a new password for the owner' } });
      expect((await owner.client.fails(ME)).code).toBe('UNAUTHENTICATED');
      expect((await other.client.ok(ME)).me.user.id).toBe(other.user.id);
    });
  });
});
