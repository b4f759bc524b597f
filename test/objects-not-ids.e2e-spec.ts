import { newId, SecretBox } from '@tessera/common';
import { Fixtures, Person, TestApp } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { Organization } from '../src/identity/entities/organization.entity';
import { newWebhookSecret } from '../src/webhooks/delivery/standard-webhooks';

/**
 * Objects, not ids (issue 19): beside every id a field hands out, the object it names, fetched in
 * the same request; and every object fetched by its id. A related object shows only to a caller
 * who may see it too: an organisation sees its own people (not a platform admin who stepped in,
 * nor a member who left), a member sees their own access but not the admins' view of its code,
 * and a platform key only what its scopes name.
 */
describe('objects, not ids', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let member: Person;
  let platformAdmin: Person;
  let orgPriceId: string;
  let cataloguePriceId: string;
  let orderPriceId: string;
  let apiKey: { id: string; secret: string };
  let platformKey: string;
  const gql = async (who: Person | string, query: string, variables: Record<string, unknown> = {}) =>
    (typeof who === 'string' ? t.client.as(who) : who.client).ok(query, variables);
  const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((edge) => edge.node);

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Objects Academy'));
    ({ person: member } = await fixtures.member(organization, MemberRole.MEMBER));
    platformAdmin = await fixtures.platformAdmin();
    orgPriceId = (await fixtures.catalogue(organization, { productName: 'Own course' })).price.id;
    cataloguePriceId = (await fixtures.catalogue(null, { productName: 'Catalogue course' })).price.id;
    const contracts = t.get(ContractsService);
    const seatsProduct = await contracts.createProduct(OPERATOR, { ownerOrganizationId: organization.id, name: 'Seats course' });
    orderPriceId = (
      await contracts.createPrice(OPERATOR, {
        productId: seatsProduct.id,
        priceCode: 'SEATS',
        name: 'Team seats',
        accessDays: 90,
        generatesRegistrationCodes: true,
      })
    ).id;
    const created = await gql(admin, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`, {
      input: { organizationId: organization.id, name: 'Storefront' },
    });
    apiKey = { id: created.createApiKey.apiKey.id, secret: created.createApiKey.secret };
    const platform = await gql(
      platformAdmin,
      `mutation { createPlatformApiKey(input: { name: "Marketplace", scopes: [CODES_READ, ORDERS_WRITE] }) { secret } }`,
    );
    platformKey = platform.createPlatformApiKey.secret;

    // Codes made by the organisation's admin and by a platform admin who is no member of it.
    const generate = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`;
    for (const who of [admin, platformAdmin]) {
      await gql(who, generate, { input: { organizationId: organization.id, quantity: 3, width: 10, priceId: orgPriceId } });
    }
  });
  afterAll(() => t.close());

  const codesOf = async (who: Person | string, status = 'AVAILABLE') =>
    nodes(
      (
        await gql(
          who,
          `query($org: UUID!, $status: [CodeStatus!]) { codes(organizationId: $org, first: 100, filter: { status: $status }) { edges { node { id code } } } }`,
          {
            org: organization.id,
            status: [status],
          },
        )
      ).codes,
    );

  describe('access grants and their codes', () => {
    let grantId: string;
    let codeId: string;

    beforeAll(async () => {
      const [code] = await codesOf(admin);
      codeId = code.id;
      const redeemed = await gql(member, `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`, {
        code: code.code,
      });
      grantId = redeemed.redeemCode.grant.id;
      await gql(admin, `mutation($id: UUID!) { extendAccess(input: { grantId: $id, endsAt: "2099-01-01T00:00:00Z" }) { grant { id } } }`, {
        id: grantId,
      });
    });

    it('shows an admin the grant with its code, organisation and history, and the code with its grant', async () => {
      const data = await gql(
        admin,
        `query($org: UUID!, $grant: UUID!, $code: UUID!) {
          accessGrants(organizationId: $org) { edges { node { id codeId redeemedCode { id status } organization { name } } } }
          accessGrant(id: $grant) { id user { email } history { kind grant { id } actor { email } } }
          code(id: $code) { accessGrant { id user { email } } organization { name } }
        }`,
        { org: organization.id, grant: grantId, code: codeId },
      );
      expect(nodes(data.accessGrants)).toEqual([
        { id: grantId, codeId, redeemedCode: { id: codeId, status: 'REDEEMED' }, organization: { name: 'Objects Academy' } },
      ]);
      expect(data.accessGrant).toEqual({
        id: grantId,
        user: { email: member.user.email },
        history: [{ kind: 'EXTENDED', grant: { id: grantId }, actor: { email: admin.user.email } }],
      });
      expect(data.code).toEqual({
        accessGrant: { id: grantId, user: { email: member.user.email } },
        organization: { name: 'Objects Academy' },
      });
      const changeId = (await t.dataSource.query(`SELECT id FROM grant_change WHERE grant_id = $1`, [grantId]))[0].id;
      const change = await gql(admin, `query($id: UUID!) { grantChange(id: $id) { id kind grant { id } } }`, { id: changeId });
      expect(change.grantChange).toEqual({ id: changeId, kind: 'EXTENDED', grant: { id: grantId } });
    });

    it('shows the member their own grant and organisation, but not the admins’ view of the code, nor the admin', async () => {
      const data = await gql(
        member,
        `query($grant: UUID!) {
          myAccess { edges { node { id redeemedCode { id } organization { name } history { actor { email } } } } }
          accessGrant(id: $grant) { id }
        }`,
        { grant: grantId },
      );
      expect(nodes(data.myAccess)).toEqual([
        { id: grantId, redeemedCode: null, organization: { name: 'Objects Academy' }, history: [{ actor: null }] },
      ]);
      expect(data.accessGrant).toEqual({ id: grantId });
      const someoneElse = await member.client.fails(`query($id: UUID!) { user(id: $id) { id } }`, { id: admin.user.id });
      expect(someoneElse.code).toBe('NOT_FOUND');
    });
  });

  it('shows an invitation’s seat with its price and product, and who invited only while they belong to the organisation', async () => {
    const invite = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
    const byAdmin = await gql(admin, invite, {
      input: { organizationId: organization.id, priceId: orgPriceId, emails: ['first@example.test'] },
    });
    await gql(platformAdmin, invite, { input: { organizationId: organization.id, priceId: orgPriceId, emails: ['second@example.test'] } });
    const query = `query($org: UUID!) {
      invitations(organizationId: $org) { edges { node {
        email code { displayCode status price { name product { name } } } organization { name } invitedBy { email } acceptedBy { email }
      } } }
    }`;
    const seat = {
      displayCode: expect.stringMatching(/^[A-Z0-9-]+$/),
      status: 'PENDING',
      price: { name: 'Standard', product: { name: 'Own course' } },
    };
    const common = { code: seat, organization: { name: 'Objects Academy' }, acceptedBy: null };
    expect(nodes((await gql(admin, query, { org: organization.id })).invitations)).toEqual([
      { email: 'first@example.test', ...common, invitedBy: { email: admin.user.email } },
      { email: 'second@example.test', ...common, invitedBy: null },
    ]);
    expect(nodes((await gql(platformAdmin, query, { org: organization.id })).invitations).map((node: any) => node.invitedBy)).toEqual([
      { email: admin.user.email },
      { email: platformAdmin.user.email },
    ]);
    const one = await gql(admin, `query($id: UUID!) { invitationById(id: $id) { email code { status } } }`, {
      id: byAdmin.inviteByEmail.invitations[0].id,
    });
    expect(one.invitationById).toEqual({ email: 'first@example.test', code: { status: 'PENDING' } });
    const [mail] = nodes(
      (
        await gql(
          admin,
          `query($org: UUID!) { messages(organizationId: $org, filter: { kind: INVITATION }) { edges { node { id invitation { email } code { id } organization { name } } } } }`,
          {
            org: organization.id,
          },
        )
      ).messages,
    );
    expect(mail).toMatchObject({
      invitation: { email: expect.stringMatching(/@example\.test$/) },
      organization: { name: 'Objects Academy' },
    });
    expect((await gql(admin, `query($id: UUID!) { message(id: $id) { id } }`, { id: mail.id })).message).toEqual({ id: mail.id });
  });

  it('shows who made a batch only while they belong to the organisation; platform admins see everyone', async () => {
    const query = `query($org: UUID!) { codeBatches(organizationId: $org) { edges { node { createdById createdBy { email } organization { name } price { name } contract { id } order { id } } } } }`;
    const asAdmin = nodes((await gql(admin, query, { org: organization.id })).codeBatches);
    expect(asAdmin.map((batch: any) => batch.createdBy)).toEqual([{ email: admin.user.email }, null]);
    expect(asAdmin[1].createdById).toBe(platformAdmin.user.id);
    expect(asAdmin[0]).toMatchObject({
      organization: { name: 'Objects Academy' },
      price: { name: 'Standard' },
      contract: null,
      order: null,
    });
    const asPlatform = nodes((await gql(platformAdmin, query, { org: organization.id })).codeBatches);
    expect(asPlatform.map((batch: any) => batch.createdBy)).toEqual([{ email: admin.user.email }, { email: platformAdmin.user.email }]);
  });

  it('shows an order’s batch, and who recorded it: the organisation’s own key to its admins, a platform key only to platform admins', async () => {
    const record = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }`;
    const order = (reference: string) => ({
      input: {
        organizationId: organization.id,
        externalReference: reference,
        priceId: orderPriceId,
        quantity: 2,
        placedAt: '2026-01-01T00:00:00Z',
      },
    });
    await gql(apiKey.secret, record, order('OWN-KEY'));
    await gql(platformKey, record, order('PLATFORM-KEY'));
    await gql(admin, record, order('BY-ADMIN'));
    const query = `query($org: UUID!) { orders(organizationId: $org) { edges { node {
      externalReference organization { name } batch { status requestedQuantity price { name } } recordedBy { email } recordedByApiKey { name }
    } } } }`;
    const batch = { status: expect.any(String), requestedQuantity: 2, price: { name: 'Team seats' } };
    expect(nodes((await gql(admin, query, { org: organization.id })).orders)).toEqual([
      {
        externalReference: 'OWN-KEY',
        organization: { name: 'Objects Academy' },
        batch,
        recordedBy: null,
        recordedByApiKey: { name: 'Storefront' },
      },
      { externalReference: 'PLATFORM-KEY', organization: { name: 'Objects Academy' }, batch, recordedBy: null, recordedByApiKey: null },
      {
        externalReference: 'BY-ADMIN',
        organization: { name: 'Objects Academy' },
        batch,
        recordedBy: { email: admin.user.email },
        recordedByApiKey: null,
      },
    ]);
    const asPlatform = nodes((await gql(platformAdmin, query, { org: organization.id })).orders);
    expect(asPlatform[1].recordedByApiKey).toEqual({ name: 'Marketplace' });
    const ownKey = await gql(admin, `query($id: UUID!) { apiKey(id: $id) { name organization { name } createdBy { email } } }`, {
      id: apiKey.id,
    });
    expect(ownKey.apiKey).toEqual({
      name: 'Storefront',
      organization: { name: 'Objects Academy' },
      createdBy: { email: admin.user.email },
    });
  });

  it('holds a platform key to its scopes on the new fields: it lists codes, but not their grant or organisation', async () => {
    const codes = (selection: string) =>
      t.client.as(platformKey).request(`query($org: UUID!) { codes(organizationId: $org, first: 1) { edges { node { ${selection} } } } }`, {
        org: organization.id,
      });
    const withGrant = await codes('id accessGrant { id }');
    expect(withGrant.data?.codes.edges[0].node).toEqual({ id: expect.any(String), accessGrant: null });
    expect(withGrant.errors?.map((error) => [error.path?.at(-1), error.extensions?.code])).toEqual([['accessGrant', 'FORBIDDEN']]);
    const withOrganization = await codes('id organization { name }');
    expect(withOrganization.errors?.map((error) => [error.path?.at(-1), error.extensions?.code])).toEqual([['organization', 'FORBIDDEN']]);
  });

  it('shows a product’s owner, none for the catalogue, and fetches prices, people, memberships and sends by id', async () => {
    const data = await gql(
      admin,
      `query($own: UUID!, $catalogue: UUID!, $member: UUID!) {
        own: price(id: $own) { name product { name ownerOrganization { name } } }
        catalogue: price(id: $catalogue) { name product { name ownerOrganization { name } } }
        user(id: $member) { email }
      }`,
      { own: orgPriceId, catalogue: cataloguePriceId, member: member.user.id },
    );
    expect(data).toEqual({
      own: { name: 'Standard', product: { name: 'Own course', ownerOrganization: { name: 'Objects Academy' } } },
      catalogue: { name: 'Standard', product: { name: 'Catalogue course', ownerOrganization: null } },
      user: { email: member.user.email },
    });
    const members = nodes(
      (
        await gql(admin, `query($org: UUID!) { members(organizationId: $org) { edges { node { id user { id } } } } }`, {
          org: organization.id,
        })
      ).members,
    );
    const membershipId = members.find((m: any) => m.user.id === member.user.id).id;
    const own = await gql(
      member,
      `query($id: UUID!, $me: UUID!) { membership(id: $id) { role organization { name } } user(id: $me) { email } }`,
      {
        id: membershipId,
        me: member.user.id,
      },
    );
    expect(own).toEqual({ membership: { role: 'MEMBER', organization: { name: 'Objects Academy' } }, user: { email: member.user.email } });
    expect((await gql(apiKey.secret, `query($id: UUID!) { user(id: $id) { email } }`, { id: member.user.id })).user).toEqual({
      email: member.user.email,
    });

    const [code] = await codesOf(admin);
    const sent = await gql(admin, `mutation($input: SendCodeInput!) { sendCode(input: $input) { send { id } } }`, {
      input: { codeId: code.id, userId: admin.user.id, message: 'Welcome' },
    });
    const send = await gql(admin, `query($id: UUID!) { codeSend(id: $id) { code { id } organization { name } sentBy { email } } }`, {
      id: sent.sendCode.send.id,
    });
    expect(send.codeSend).toEqual({
      code: { id: code.id },
      organization: { name: 'Objects Academy' },
      sentBy: { email: admin.user.email },
    });
  });

  it('shows a webhook delivery with its endpoint, and an attempt with its delivery', async () => {
    const endpointId = newId();
    await t.dataSource.query(
      `INSERT INTO webhook_endpoint (id, organization_id, url, enabled, disabled_reason, secret_sealed, created_by_id)
       VALUES ($1, $2, 'http://127.0.0.1:9/hook', false, 'ADMIN', $3, $4)`,
      [
        endpointId,
        organization.id,
        new SecretBox('test-secret-that-is-long-enough-for-hs256', 'webhook-secret').seal(newWebhookSecret()),
        admin.user.id,
      ],
    );
    const [deliveryId, attemptId] = [newId(), newId()];
    await t.dataSource.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, organization_id, payload, status, delivered_at)
       VALUES ($1, $2, $3, 'webhook.test', $4, '{}', 'DELIVERED', now())`,
      [deliveryId, endpointId, newId(), organization.id],
    );
    await t.dataSource.query(`INSERT INTO webhook_attempt (id, delivery_id, status_code, duration_ms) VALUES ($1, $2, 200, 5)`, [
      attemptId,
      deliveryId,
    ]);
    const data = await gql(
      apiKey.secret,
      `query($endpoint: UUID!, $delivery: UUID!, $attempt: UUID!) {
        webhookEndpoint(id: $endpoint) { organization { name } createdBy { email } }
        webhookDelivery(id: $delivery) { endpoint { id } organization { name } attempts { delivery { id } } }
        webhookAttempt(id: $attempt) { statusCode delivery { id endpoint { id } } }
      }`,
      { endpoint: endpointId, delivery: deliveryId, attempt: attemptId },
    );
    expect(data).toEqual({
      webhookEndpoint: { organization: { name: 'Objects Academy' }, createdBy: { email: admin.user.email } },
      webhookDelivery: {
        endpoint: { id: endpointId },
        organization: { name: 'Objects Academy' },
        attempts: [{ delivery: { id: deliveryId } }],
      },
      webhookAttempt: { statusCode: 200, delivery: { id: deliveryId, endpoint: { id: endpointId } } },
    });
  });

  it('stops showing a person to the organisation once they leave it, and the organisation to them', async () => {
    const members = nodes(
      (
        await gql(admin, `query($org: UUID!) { members(organizationId: $org) { edges { node { id user { id } } } } }`, {
          org: organization.id,
        })
      ).members,
    );
    const membershipId = members.find((m: any) => m.user.id === member.user.id).id;
    await gql(admin, `mutation($id: UUID!) { removeMember(input: { membershipId: $id }) { membership { id } } }`, { id: membershipId });
    const mine = await gql(member, `{ myAccess { edges { node { organization { name } } } } }`);
    expect(nodes(mine.myAccess)).toEqual([{ organization: null }]);
    const gone = await admin.client.fails(`query($id: UUID!) { user(id: $id) { id } }`, { id: member.user.id });
    expect(gone.code).toBe('NOT_FOUND');
  });
});
