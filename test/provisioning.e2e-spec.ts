import { eventually, Fixtures, GraphQLClient, Person, SmtpSink, TestApp, type ReceivedMail } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Workflow B's storefront meets a new customer and sets it up by itself: with a platform API key
 * holding only organizations:write and orders:write it onboards the organisation and its admin and
 * reports the order; the admin sets a password through the mailed link and finds the codes. The
 * key can do nothing else (deny by default), and retrying the calls changes nothing.
 */
const CREATE_PLATFORM_KEY = `mutation($input: CreatePlatformApiKeyInput!) {
  createPlatformApiKey(input: $input) { secret apiKey { id organizationId scopes name } }
}`;
const PLATFORM_KEYS = `{ platformApiKeys { totalCount edges { node { id organizationId scopes lastUsedAt revokedAt } } } }`;
const REVOKE = `mutation($id: UUID!) { revokeApiKey(input: { apiKeyId: $id }) { apiKey { id revokedAt } } }`;
const PROVISION = `mutation($input: ProvisionOrganizationInput!) {
  provisionOrganization(input: $input) { created organization { id name slug externalReference } }
}`;
const BY_REFERENCE = `query($ref: String!) { organizationByExternalReference(externalReference: $ref) { id externalReference } }`;
const RECORD = `mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { created order { id recordedByApiKeyId seats { total remaining } } }
}`;
const CODES = `query($org: UUID!) { codes(organizationId: $org, first: 100) { totalCount edges { node { status } } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const MEMBERS = `query($org: UUID!) { members(organizationId: $org) { totalCount edges { node { role user { email } } } } }`;
const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { accessToken } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }`;

const APP = 'https://lms.example.test';
const PLACED_AT = '2026-11-02T09:30:00.000Z';

function setPasswordToken(mail: ReceivedMail): string {
  const match = new RegExp(`${APP.replace(/\./g, '\\.')}/set-password\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No set-password link in:\n${mail.text}`);
  return match[1];
}

describe('provisioning: a storefront onboards a customer with a scoped platform API key', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;
  let platformAdmin: Person;
  let storefront: GraphQLClient;
  let storefrontKeyId: string;
  let priceId: string;
  let customer: Organization;
  let otherAdmin: Person;
  let otherOrganization: Organization;

  const customerInput = (overrides: Record<string, unknown> = {}) => ({
    input: {
      externalReference: 'CUST-42',
      name: 'Northwind Learning',
      admin: { email: 'nora@northwind.test', firstName: 'Nora', lastName: 'North' },
      ...overrides,
    },
  });
  const orderInput = () => ({
    input: { organizationId: customer.id, externalReference: 'SO-9001', priceId, quantity: 10, placedAt: PLACED_AT },
  });
  const platformKey = async (scopes: string[], name = 'LMS storefront') => {
    const { createPlatformApiKey } = await platformAdmin.client.ok(CREATE_PLATFORM_KEY, { input: { name, scopes } });
    return {
      client: t.client.as(createPlatformApiKey.secret),
      id: createPlatformApiKey.apiKey.id as string,
      created: createPlatformApiKey,
    };
  };
  const counts = async () =>
    (
      await t.dataSource.query(
        `SELECT (SELECT count(*) FROM organization)::int AS organizations,
                (SELECT count(*) FROM membership)::int AS memberships,
                (SELECT count(*) FROM user_account)::int AS accounts,
                (SELECT count(*) FROM purchase_order)::int AS orders,
                (SELECT count(*) FROM code)::int AS codes,
                (SELECT count(*) FROM domain_event)::int AS events`,
      )
    )[0];

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: `${APP}/` } });
    fixtures = new Fixtures(t);
    platformAdmin = await fixtures.platformAdmin();
    ({ organization: otherOrganization, admin: otherAdmin } = await fixtures.organization('Other Buyer'));
    // The platform's catalogue: a price whose orders of two or more seats generate codes.
    const contracts = t.get(ContractsService);
    const product = await contracts.createProduct(OPERATOR, { ownerOrganizationId: null, name: 'Leadership course' });
    priceId = (
      await contracts.createPrice(OPERATOR, {
        productId: product.id,
        priceCode: 'SEAT',
        name: 'Seat',
        accessDays: 365,
        generatesRegistrationCodes: true,
      })
    ).id;
    const key = await platformKey(['ORGANIZATIONS_WRITE', 'ORDERS_WRITE']);
    expect(key.created.apiKey).toMatchObject({ organizationId: null, scopes: ['ORGANIZATIONS_WRITE', 'ORDERS_WRITE'] });
    ({ client: storefront, id: storefrontKeyId } = key);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('onboards the customer and its order of 10 seats; the admin sets a password through the mail and sees 10 codes', async () => {
    const { provisionOrganization } = await storefront.ok(PROVISION, customerInput());
    expect(provisionOrganization).toMatchObject({
      created: true,
      organization: { name: 'Northwind Learning', slug: 'northwind-learning', externalReference: 'CUST-42' },
    });
    customer = provisionOrganization.organization;

    const { recordOrder } = await storefront.ok(RECORD, orderInput());
    expect(recordOrder).toMatchObject({
      created: true,
      order: { recordedByApiKeyId: storefrontKeyId, seats: { total: 10, remaining: 10 } },
    });

    await eventually(() => expect(smtp.mailsTo('nora@northwind.test')).toHaveLength(1));
    const [mail] = smtp.mailsTo('nora@northwind.test');
    await t.client.ok(SET_PASSWORD, { input: { token: setPasswordToken(mail), password: 'nora chose this one' } });
    const { login } = await t.client.ok(LOGIN, { email: 'nora@northwind.test', password: 'nora chose this one' });
    const nora = t.client.as(login.accessToken);
    const { codes } = await nora.ok(CODES, { org: customer.id });
    expect(codes.totalCount).toBe(10);
    expect(codes.edges.every(({ node }: { node: { status: string } }) => node.status === 'AVAILABLE')).toBe(true);
    const { members } = await nora.ok(MEMBERS, { org: customer.id });
    expect(members.edges).toEqual([{ node: { role: 'ORG_ADMIN', user: { email: 'nora@northwind.test' } } }]);
  });

  it('answers the same two calls again with the same objects and changes nothing: no organisation, order, event or mail more', async () => {
    const before = await counts();
    const again = await storefront.ok(
      PROVISION,
      customerInput({ name: 'Northwind Renamed', admin: { email: 'else@northwind.test', firstName: 'E', lastName: 'L' } }),
    );
    expect(again.provisionOrganization).toEqual({
      created: false,
      organization: { id: customer.id, name: 'Northwind Learning', slug: 'northwind-learning', externalReference: 'CUST-42' },
    });
    const order = await storefront.ok(RECORD, orderInput());
    expect(order.recordOrder).toMatchObject({ created: false, order: { seats: { total: 10 } } });
    expect(await counts()).toEqual(before);
    // Nothing new in the outbox, so nothing can be mailed; the one mail stays one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mailsTo('nora@northwind.test')).toHaveLength(1);
    expect(smtp.mailsTo('else@northwind.test')).toHaveLength(0);
  });

  it('makes one organisation of concurrent onboardings with one reference', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        storefront.ok(
          PROVISION,
          customerInput({
            externalReference: 'CUST-RACE',
            name: 'Racing Customer',
            admin: { email: 'race@example.test', firstName: 'R', lastName: 'C' },
          }),
        ),
      ),
    );
    const created = results.filter((r) => r.provisionOrganization.created);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((r) => r.provisionOrganization.organization.id)).size).toBe(1);
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM organization WHERE external_reference = 'CUST-RACE')::int AS organizations,
              (SELECT count(*) FROM membership m JOIN organization o ON o.id = m.organization_id WHERE o.external_reference = 'CUST-RACE')::int AS members`,
    );
    expect(row).toEqual({ organizations: 1, members: 1 });
  });

  it('gives a second customer of the same name its own slug', async () => {
    const { provisionOrganization } = await storefront.ok(
      PROVISION,
      customerInput({ externalReference: 'CUST-43', admin: { email: 'second@example.test', firstName: 'S', lastName: 'N' } }),
    );
    expect(provisionOrganization.created).toBe(true);
    expect(provisionOrganization.organization.slug).toMatch(/^northwind-learning-[0-9a-f]{6}$/);
  });

  it('only offers an existing account the membership when a platform key onboards it (a key is no platform admin)', async () => {
    const existing = await fixtures.person({ email: 'already@example.test' });
    const { provisionOrganization } = await storefront.ok(
      PROVISION,
      customerInput({
        externalReference: 'CUST-44',
        name: 'Existing Admin Ltd',
        admin: { email: existing.user.email, firstName: 'A', lastName: 'E' },
      }),
    );
    const members = await t.dataSource.query(`SELECT 1 FROM membership WHERE organization_id = $1`, [
      provisionOrganization.organization.id,
    ]);
    expect(members).toHaveLength(0);
    const offers = await t.dataSource.query(`SELECT role FROM membership_invitation WHERE organization_id = $1 AND user_id = $2`, [
      provisionOrganization.organization.id,
      existing.user.id,
    ]);
    expect(offers).toEqual([{ role: 'ORG_ADMIN' }]);
  });

  it('lets a platform admin onboard too, connecting an existing account directly', async () => {
    const existing = await fixtures.person();
    const { provisionOrganization } = await platformAdmin.client.ok(
      PROVISION,
      customerInput({
        externalReference: 'CUST-45',
        name: 'Admin Onboarded',
        admin: { email: existing.user.email, firstName: 'A', lastName: 'B' },
      }),
    );
    expect(provisionOrganization.created).toBe(true);
    const { members } = await platformAdmin.client.ok(MEMBERS, { org: provisionOrganization.organization.id });
    expect(members.edges).toEqual([{ node: { role: 'ORG_ADMIN', user: { email: existing.user.email } } }]);
    const { organizationByExternalReference } = await platformAdmin.client.ok(BY_REFERENCE, { ref: 'CUST-45' });
    expect(organizationByExternalReference.id).toBe(provisionOrganization.organization.id);
    expect((await platformAdmin.client.fails(BY_REFERENCE, { ref: 'NO-SUCH' })).code).toBe('NOT_FOUND');
  });

  it('refuses the key codes, naming the scope it lacks', async () => {
    const error = await storefront.fails(CODES, { org: customer.id });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('CODES_READ');
  });

  it.each([
    ['createApiKey', CREATE_KEY, () => ({ input: { organizationId: customer.id, name: 'Mine' } })],
    ['members', MEMBERS, () => ({ org: customer.id })],
    ['organization', `query($id: UUID!) { organization(id: $id) { id } }`, () => ({ id: customer.id })],
    ['organizations', `{ organizations { totalCount } }`, () => ({})],
    ['orders', `query($org: UUID!) { orders(organizationId: $org) { totalCount } }`, () => ({ org: customer.id })],
    ['organizationByExternalReference', BY_REFERENCE, () => ({ ref: 'CUST-42' })],
    ['createPlatformApiKey', CREATE_PLATFORM_KEY, () => ({ input: { name: 'Escalate', scopes: ['CODES_READ'] } })],
    ['platformApiKeys', PLATFORM_KEYS, () => ({})],
    ['me', `{ me { user { id } } }`, () => ({})],
    ['login (public)', LOGIN, () => ({ email: 'nora@northwind.test', password: 'nora chose this one' })],
  ])('refuses the key %s (no scope of its names it): FORBIDDEN', async (_, query, variables) => {
    const before = await counts();
    const error = await storefront.fails(query, variables());
    expect(error.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('refuses the key the CSV exports over HTTP', async () => {
    const { created } = await platformKey(['CODES_READ'], 'Reader');
    const response = await fetch(`${t.url}/exports/codes.csv?organizationId=${customer.id}`, {
      headers: { authorization: `Bearer ${created.secret}` },
    });
    expect(response.status).toBe(403);
  });

  it('lets a key with CODES_READ list any organisation’s codes, and nothing more', async () => {
    const { client } = await platformKey(['CODES_READ'], 'Code reader');
    expect((await client.ok(CODES, { org: customer.id })).codes.totalCount).toBe(10);
    const readable = `query($org: UUID!) { codes(organizationId: $org, first: 1) { edges { node { id code displayCode status } } } }`;
    expect((await client.ok(readable, { org: customer.id })).codes.edges).toHaveLength(1);
    // Fields that reach further (who a code was sent to, its batch, its grant) name no scope: refused.
    for (const field of ['sends { totalCount edges { node { recipient { email } } } }', 'batch { id }']) {
      const further = await client.fails(`query($org: UUID!) { codes(organizationId: $org, first: 1) { edges { node { ${field} } } } }`, {
        org: customer.id,
      });
      expect([field, further.code]).toEqual([field, 'FORBIDDEN']);
    }
    const refused = await client.fails(PROVISION, customerInput({ externalReference: 'CUST-READER' }));
    expect([refused.code, refused.message]).toEqual(['FORBIDDEN', expect.stringContaining('ORGANIZATIONS_WRITE')]);
  });

  it.each([
    ['an organisation admin', () => otherAdmin.client],
    [
      'an organisation’s own API key',
      async () => {
        const { createApiKey } = await otherAdmin.client.ok(CREATE_KEY, { input: { organizationId: otherOrganization.id, name: 'Shop' } });
        return t.client.as(createApiKey.secret);
      },
    ],
  ])('refuses %s platform keys and onboarding', async (_, clientOf) => {
    const client = await clientOf();
    const before = await counts();
    for (const [query, variables] of [
      [CREATE_PLATFORM_KEY, { input: { name: 'Escalate', scopes: ['ORGANIZATIONS_WRITE'] } }],
      [PLATFORM_KEYS, {}],
      [PROVISION, customerInput({ externalReference: 'CUST-INTRUDER' })],
      [BY_REFERENCE, { ref: 'CUST-42' }],
      [REVOKE, { id: storefrontKeyId }],
    ] as const) {
      expect([query, (await client.fails(query, variables)).code]).toEqual([query, 'FORBIDDEN']);
    }
    expect(await counts()).toEqual(before);
  });

  it('lists the platform keys for platform admins, and revoking one stops it at once', async () => {
    const { id, client } = await platformKey(['ORDERS_WRITE'], 'Short-lived');
    const { platformApiKeys } = await platformAdmin.client.ok(PLATFORM_KEYS);
    expect(platformApiKeys.edges.map(({ node }: { node: { id: string } }) => node.id)).toEqual(
      expect.arrayContaining([storefrontKeyId, id]),
    );
    const mine = platformApiKeys.edges.find(({ node }: { node: { id: string } }) => node.id === storefrontKeyId).node;
    expect(mine).toMatchObject({ organizationId: null, scopes: ['ORGANIZATIONS_WRITE', 'ORDERS_WRITE'], revokedAt: null });
    expect(mine.lastUsedAt).not.toBeNull();
    const { revokeApiKey } = await platformAdmin.client.ok(REVOKE, { id });
    expect(revokeApiKey.apiKey.revokedAt).not.toBeNull();
    expect((await client.fails(RECORD, orderInput())).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['no scope', []],
    ['an unknown scope', ['EVERYTHING']],
  ])('refuses a platform key with %s', async (_, scopes) => {
    const error = await platformAdmin.client.fails(CREATE_PLATFORM_KEY, { input: { name: 'Bad', scopes } });
    expect(error.code).toBe('BAD_USER_INPUT');
  });
});
