import { Fixtures, TestApp } from '@tessera/testing';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix revokedAt } } }`;
const LIST = `query($id: UUID!) { apiKeys(organizationId: $id) { totalCount edges { node { id name prefix lastUsedAt revokedAt } } } }`;
const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }`;
const ORGANIZATION = `query($id: UUID!) { organization(id: $id) { id name } }`;

describe('API keys for organisations’ own systems', () => {
  let t: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await TestApp.create();
    fixtures = new Fixtures(t);
  });
  afterAll(() => t.close());

  it('shows the secret once, authenticates with it (X-Api-Key or Bearer), and stops at revocation', async () => {
    const { organization, admin } = await fixtures.organization();
    const { createApiKey } = await admin.client.ok(CREATE, { input: { organizationId: organization.id, name: 'Storefront' } });
    const { secret, apiKey } = createApiKey;
    expect(secret).toMatch(new RegExp(`^tsk_${apiKey.prefix}_[A-Za-z0-9_-]{43}$`));

    const [stored] = await t.dataSource.query('SELECT secret_hash FROM api_key WHERE id = $1', [apiKey.id]);
    const secretPart = /^tsk_[a-z0-9]{12}_(.+)$/.exec(secret)![1];
    expect(stored.secret_hash).not.toContain(secretPart);
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const asBearer = await t.client.as(secret).ok(ORGANIZATION, { id: organization.id });
    expect(asBearer.organization.name).toBe(organization.name);
    const asHeader = await t.client.request(ORGANIZATION, { id: organization.id }, { 'x-api-key': secret });
    expect(asHeader.data?.organization.id).toBe(organization.id);

    const listed = await admin.client.ok(LIST, { id: organization.id });
    expect(listed.apiKeys.edges[0].node).toMatchObject({ id: apiKey.id, name: 'Storefront', revokedAt: null });
    expect(listed.apiKeys.edges[0].node.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret);

    const { revokeApiKey } = await admin.client.ok(REVOKE, { input: { apiKeyId: apiKey.id } });
    expect(revokeApiKey.apiKey.revokedAt).not.toBeNull();
    // Told apart only for a caller holding the key's whole secret: no answer says whether a key exists.
    expect(await t.client.as(secret).fails(ORGANIZATION, { id: organization.id })).toMatchObject({
      code: 'UNAUTHENTICATED',
      extensions: { reason: 'API_KEY_REVOKED' },
    });
  });

  it.each([
    ['a made-up key', 'tsk_000000000000_' + 'a'.repeat(43)],
    ['a key with a wrong secret', null],
    ['garbage', 'tsk_garbage'],
  ])('refuses %s with UNAUTHENTICATED', async (_, given) => {
    const { organization, admin } = await fixtures.organization();
    const { createApiKey } = await admin.client.ok(CREATE, { input: { organizationId: organization.id, name: 'Booking' } });
    const key = given ?? `tsk_${createApiKey.apiKey.prefix}_${'b'.repeat(43)}`;
    expect(await t.client.as(key).fails(ORGANIZATION, { id: organization.id })).toMatchObject({
      code: 'UNAUTHENTICATED',
      extensions: { reason: 'API_KEY_INVALID' },
    });
  });

  it('lets a key act only as its organisation’s integration, not as an admin', async () => {
    const { organization, admin } = await fixtures.organization();
    const { createApiKey } = await admin.client.ok(CREATE, { input: { organizationId: organization.id, name: 'Storefront' } });
    const key = t.client.as(createApiKey.secret);
    expect((await key.fails(CREATE, { input: { organizationId: organization.id, name: 'Another' } })).code).toBe('FORBIDDEN');
    expect((await key.fails(`{ me { user { id } } }`)).code).toBe('FORBIDDEN');
  });
});
