import { Fixtures, Person, TestApp } from '@tessera/testing';
import { buildClientSchema, getIntrospectionQuery, IntrospectionQuery } from 'graphql';
import { MemberRole } from '../src/identity/entities/membership.entity';

/**
 * A caller from organisation X touches organisation Y: every operation must answer FORBIDDEN.
 * Each operation of the schema is either in this matrix or named as not organisation-scoped, so a
 * new operation cannot slip in without a tenancy test.
 */
interface Target {
  organizationId: string;
  membershipId: string;
  apiKeyId: string;
  userId: string;
}

const ORGANIZATION_SCOPED: Record<string, (y: Target) => [string, Record<string, unknown>]> = {
  organization: (y) => [`query($id: UUID!) { organization(id: $id) { id } }`, { id: y.organizationId }],
  members: (y) => [`query($id: UUID!) { members(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  apiKeys: (y) => [`query($id: UUID!) { apiKeys(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  addMember: (y) => [
    `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } } }`,
    { input: { organizationId: y.organizationId, email: 'intruder@example.test', firstName: 'I', lastName: 'N' } },
  ],
  connectUser: (y) => [
    `mutation($input: ConnectUserInput!) { connectUser(input: $input) { membership { id } } }`,
    { input: { organizationId: y.organizationId, userId: y.userId } },
  ],
  changeMemberRole: (y) => [
    `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { membership { id } } }`,
    { input: { membershipId: y.membershipId, role: 'MEMBER' } },
  ],
  removeMember: (y) => [
    `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { membership { id } } }`,
    { input: { membershipId: y.membershipId } },
  ],
  createApiKey: (y) => [
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { organizationId: y.organizationId, name: 'stolen' } },
  ],
  revokeApiKey: (y) => [
    `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`,
    { input: { apiKeyId: y.apiKeyId } },
  ],
  createOrganization: () => [`mutation { createOrganization(input: { name: "Mine now" }) { organization { id } } }`, {}],
};

/** Operations that act on the caller alone or filter by the caller (tested in identity.e2e-spec). */
const NOT_ORGANIZATION_SCOPED = ['login', 'me', 'organizations'];

describe('tenancy: nobody from organisation X reaches organisation Y', () => {
  let t: TestApp;
  let y: Target;
  let callers: Record<string, string>;

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    const x = await fixtures.organization('Org X');
    const xMember = await fixtures.member(x.organization, MemberRole.MEMBER);
    const target = await fixtures.organization('Org Y');
    const yMember = await fixtures.member(target.organization, MemberRole.MEMBER);
    const createKey = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`;
    const yKey = await target.admin.client.ok(createKey, { input: { organizationId: target.organization.id, name: 'Y storefront' } });
    const xKey = await x.admin.client.ok(createKey, { input: { organizationId: x.organization.id, name: 'X storefront' } });
    y = {
      organizationId: target.organization.id,
      membershipId: yMember.membership.id,
      apiKeyId: yKey.createApiKey.apiKey.id,
      userId: (await fixtures.person()).user.id,
    };
    callers = { 'admin of X': x.admin.token, 'member of X': (xMember.person as Person).token, 'API key of X': xKey.createApiKey.secret };
  });
  afterAll(() => t.close());

  it('covers every query and mutation of the schema', async () => {
    const { data } = await t.client.request<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(data!);
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const covered = [...Object.keys(ORGANIZATION_SCOPED), ...NOT_ORGANIZATION_SCOPED];
    expect(operations.filter((name) => !covered.includes(name))).toEqual([]);
  });

  const cases = ['admin of X', 'member of X', 'API key of X'].flatMap((caller) =>
    Object.keys(ORGANIZATION_SCOPED).map((operation) => [caller, operation] as const),
  );

  it.each(cases)('%s gets FORBIDDEN for %s on Y', async (caller, operation) => {
    const [query, variables] = ORGANIZATION_SCOPED[operation](y);
    const error = await t.client.as(callers[caller]).fails(query, variables);
    expect(error.code).toBe('FORBIDDEN');
  });

  it('leaves Y exactly as it was', async () => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM membership WHERE organization_id = $1)::int AS members,
              (SELECT count(*) FROM api_key WHERE organization_id = $1 AND revoked_at IS NULL)::int AS keys,
              (SELECT count(*) FROM organization)::int AS organizations`,
      [y.organizationId],
    );
    expect(row).toEqual({ members: 2, keys: 1, organizations: 2 });
  });
});
