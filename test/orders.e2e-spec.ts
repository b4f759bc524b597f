import { Fixtures, GraphQLClient, Person, SmtpSink, TestApp } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { Organization } from '../src/identity/entities/organization.entity';

const ORDER_FIELDS = `id externalReference placedAt quantity recordedByApiKeyId recordedByUserId batchId
  price { id priceCode } product { name } seats { total remaining pending used void }`;
const RECORD = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { ${ORDER_FIELDS} } } }`;
const ORDER = `query($id: UUID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const ORDERS = `query($org: UUID!, $filter: OrderFilter, $first: Int, $after: String) {
  orders(organizationId: $org, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${ORDER_FIELDS} } }
  }
}`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`;
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`;
const CREATE_PRICE = `mutation($input: CreatePriceInput!) { createPrice(input: $input) { price { id } } }`;
const BATCH_CODES = `query($org: UUID!, $batchId: UUID!) {
  codes(organizationId: $org, filter: { batchId: $batchId }, first: 100) { totalCount edges { node { id status priceId batch { source orderId } } } }
}`;
const ASSIGN = `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { assignments { grant { id status } } } }`;
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id status codeId } } }`;

const PLACED_AT = '2026-11-02T09:30:00.000Z';
const NO_SEATS = { total: 0, remaining: 0, pending: 0, used: 0, void: 0 };

type Fields = { field: string }[];

/** A product of the organisation with one price, made through the API as its admin would; the price's id. */
async function productWithPrice(by: Person, org: Organization, name: string, generatesRegistrationCodes: boolean): Promise<string> {
  const { createProduct } = await by.client.ok(CREATE_PRODUCT, { input: { ownerOrganizationId: org.id, name } });
  const { createPrice } = await by.client.ok(CREATE_PRICE, {
    input: { productId: createProduct.product.id, priceCode: 'SEAT', name: 'Seat', accessDays: 365, generatesRegistrationCodes },
  });
  return createPrice.price.id;
}
const fieldsOf = (error: { extensions?: Record<string, unknown> }) => (error.extensions?.fields as Fields).map((f) => f.field);

describe('orders: the storefront reports orders, and the seat dashboard counts their seats', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let storefront: GraphQLClient;
  let storefrontKeyId: string;
  let generatingPriceId: string;
  let plainPriceId: string;
  let cataloguePriceId: string;
  let otherOrganization: Organization;
  let otherAdmin: Person;
  let otherStorefront: GraphQLClient;
  let otherPriceId: string;

  const order = (overrides: Record<string, unknown> = {}) => ({
    input: {
      organizationId: organization.id,
      externalReference: 'SO-1001',
      priceId: generatingPriceId,
      quantity: 5,
      placedAt: PLACED_AT,
      ...overrides,
    },
  });
  const storedOrders = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM purchase_order'))[0].n as number;

  const storefrontOf = async (by: Person, org: Organization) => {
    const { createApiKey } = await by.client.ok(CREATE_KEY, { input: { organizationId: org.id, name: 'Storefront' } });
    return { client: t.client.as(createApiKey.secret), keyId: createApiKey.apiKey.id as string };
  };

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://lms.example.test/' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Learning Buyer'));
    ({ organization: otherOrganization, admin: otherAdmin } = await fixtures.organization('Other Buyer'));
    generatingPriceId = await productWithPrice(admin, organization, 'Leadership course', true);
    plainPriceId = await productWithPrice(admin, organization, 'Coaching call', false);
    otherPriceId = await productWithPrice(otherAdmin, otherOrganization, 'Other course', true);
    const contracts = t.get(ContractsService);
    const catalogueProduct = await contracts.createProduct(OPERATOR, { ownerOrganizationId: null, name: 'Platform basics' });
    cataloguePriceId = (
      await contracts.createPrice(OPERATOR, {
        productId: catalogueProduct.id,
        priceCode: 'SEAT',
        name: 'Seat',
        accessDays: 30,
        generatesRegistrationCodes: true,
      })
    ).id;
    ({ client: storefront, keyId: storefrontKeyId } = await storefrontOf(admin, organization));
    otherStorefront = (await storefrontOf(otherAdmin, otherOrganization)).client;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('records an order of five seats at a generating price: one code per seat, in a batch linked to the order', async () => {
    const { recordOrder } = await storefront.ok(RECORD, order());
    expect(recordOrder).toMatchObject({
      created: true,
      order: {
        externalReference: 'SO-1001',
        placedAt: PLACED_AT,
        quantity: 5,
        recordedByApiKeyId: storefrontKeyId,
        recordedByUserId: null,
        price: { id: generatingPriceId, priceCode: 'SEAT' },
        product: { name: 'Leadership course' },
        seats: { total: 5, remaining: 5, pending: 0, used: 0, void: 0 },
      },
    });
    const { batchId } = recordOrder.order;
    expect(batchId).toBeTruthy();
    const { codes } = await admin.client.ok(BATCH_CODES, { org: organization.id, batchId });
    expect(codes.totalCount).toBe(5);
    for (const { node } of codes.edges) {
      expect(node).toMatchObject({
        status: 'AVAILABLE',
        priceId: generatingPriceId,
        batch: { source: 'ORDER', orderId: recordOrder.order.id },
      });
    }
    const [event] = await t.dataSource.query(`SELECT organization_id, payload FROM domain_event WHERE type = 'OrderRecorded'`);
    expect(event).toEqual({
      organization_id: organization.id,
      payload: { orderId: recordOrder.order.id, priceId: generatingPriceId, quantity: 5, generatesCodes: true },
    });
  });

  it('answers a repeated report with the same order (created: false) and makes no more codes', async () => {
    const first = (await storefront.ok(ORDERS, { org: organization.id, filter: { search: 'SO-1001' } })).orders.edges[0].node;
    const { recordOrder } = await storefront.ok(RECORD, order({ externalReference: '  SO-1001 ', placedAt: '2026-11-03T00:00:00Z' }));
    expect(recordOrder).toMatchObject({ created: false, order: { id: first.id, placedAt: PLACED_AT, batchId: first.batchId } });
    expect(recordOrder.order.seats.total).toBe(5);
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM code WHERE organization_id = $1)::int AS codes,
              (SELECT count(*) FROM code_batch WHERE organization_id = $1)::int AS batches,
              (SELECT count(*) FROM domain_event WHERE type = 'OrderRecorded')::int AS events`,
      [organization.id],
    );
    expect(row).toEqual({ codes: 5, batches: 1, events: 1 });
  });

  // Functions: the prices exist only once beforeAll has run, after it.each has read its table.
  it.each([
    ['another quantity', () => ({ quantity: 6 })],
    ['another price', () => ({ priceId: plainPriceId })],
  ])('refuses the same reference with %s: CONFLICT naming the reference, nothing written', async (_, changes) => {
    const before = await storedOrders();
    const error = await storefront.fails(RECORD, order(changes()));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'EXTERNAL_REFERENCE_REUSED', field: 'externalReference', externalReference: 'SO-1001' },
    });
    expect(error.message).toContain('"SO-1001"');
    expect(await storedOrders()).toBe(before);
  });

  it('makes no codes for a single seat, or at a price that does not generate codes', async () => {
    const single = await storefront.ok(RECORD, order({ externalReference: 'SO-1002', quantity: 1 }));
    const plain = await storefront.ok(RECORD, order({ externalReference: 'SO-1003', priceId: plainPriceId, quantity: 4 }));
    for (const { recordOrder } of [single, plain]) {
      expect(recordOrder).toMatchObject({ created: true, order: { batchId: null, seats: NO_SEATS } });
    }
    expect(plain.recordOrder.order.product.name).toBe('Coaching call');
    const [{ codes }] = await t.dataSource.query('SELECT count(*)::int AS codes FROM code WHERE organization_id = $1', [organization.id]);
    expect(codes).toBe(5);
  });

  it('takes a price of the platform catalogue, and records who reported the order', async () => {
    const { recordOrder } = await admin.client.ok(RECORD, order({ externalReference: 'SO-1004', priceId: cataloguePriceId, quantity: 2 }));
    expect(recordOrder).toMatchObject({
      created: true,
      order: {
        recordedByApiKeyId: null,
        recordedByUserId: admin.user.id,
        product: { name: 'Platform basics' },
        seats: { total: 2, remaining: 2 },
      },
    });
  });

  it('refuses a price of another organisation’s product with NOT_FOUND (no hint that it exists)', async () => {
    const before = await storedOrders();
    const error = await storefront.fails(RECORD, order({ externalReference: 'SO-STOLEN', priceId: otherPriceId }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', extensions: { entity: 'Price', id: otherPriceId } });
    expect(await storedOrders()).toBe(before);
  });

  it.each([
    ['no seats', { quantity: 0 }, 'quantity'],
    ['more than 10,000 seats', { quantity: 10_001 }, 'quantity'],
    ['an empty reference', { externalReference: '' }, 'externalReference'],
    ['a reference of spaces only', { externalReference: '   ' }, 'externalReference'],
    ['a reference over 200 characters', { externalReference: 'R'.repeat(201) }, 'externalReference'],
  ])('refuses %s with BAD_USER_INPUT on that field', async (_, overrides, field) => {
    const before = await storedOrders();
    const error = await storefront.fails(RECORD, order({ externalReference: 'SO-BAD', ...overrides }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual([field]);
    expect(await storedOrders()).toBe(before);
  });

  it('keeps orders to their organisation: another organisation’s key and admin, and a plain member, get FORBIDDEN', async () => {
    const member = (await new Fixtures(t).member(organization, MemberRole.MEMBER)).person;
    const { orders } = await admin.client.ok(ORDERS, { org: organization.id, filter: { search: 'SO-1001' } });
    const orderId = orders.edges[0].node.id;
    const before = await storedOrders();
    for (const caller of [otherStorefront, otherAdmin.client, member.client]) {
      expect((await caller.fails(RECORD, order({ externalReference: 'SO-INTRUDER' }))).code).toBe('FORBIDDEN');
      expect((await caller.fails(ORDERS, { org: organization.id })).code).toBe('FORBIDDEN');
      expect((await caller.fails(ORDER, { id: orderId })).code).toBe('FORBIDDEN');
    }
    // The other organisation's own key cannot slip the order in under its own organisation either.
    expect((await otherStorefront.fails(RECORD, order({ organizationId: otherOrganization.id, externalReference: 'X' }))).code).toBe(
      'NOT_FOUND',
    );
    expect(await storedOrders()).toBe(before);
  });

  it('counts the seats as they are used: one given directly, one held by an invitation', async () => {
    const { orders } = await storefront.ok(ORDERS, { org: organization.id, filter: { search: 'SO-1001' } });
    const { batchId, id } = orders.edges[0].node;
    const { codes } = await admin.client.ok(BATCH_CODES, { org: organization.id, batchId });
    const [given, invited] = codes.edges.map((edge: { node: { id: string } }) => edge.node.id);

    const { assignSeats } = await admin.client.ok(ASSIGN, {
      input: {
        organizationId: organization.id,
        codeIds: [given],
        people: [{ email: 'seat.taker@example.test', firstName: 'Sade', lastName: 'Taker' }],
      },
    });
    // A new address: access at once, though the answer does not say so (issue 16, finding 15); the dashboard below counts it.
    expect(assignSeats.assignments).toEqual([{ grant: null }]);
    const { inviteByEmail } = await admin.client.ok(INVITE, {
      input: { organizationId: organization.id, codeId: invited, emails: ['invitee@example.test'] },
    });
    expect(inviteByEmail.invitations[0]).toMatchObject({ status: 'PENDING', codeId: invited });

    const { order: dashboard } = await storefront.ok(ORDER, { id });
    expect(dashboard.seats).toEqual({ total: 5, remaining: 3, pending: 1, used: 1, void: 0 });

    // The invited person accepts: the pending seat is used.
    const { copyInvitationLink } = await admin.client.ok(
      `mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`,
      { id: inviteByEmail.invitations[0].id },
    );
    const token = new URL(copyInvitationLink.url).searchParams.get('token');
    await t.client.ok(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`, {
      input: { token, firstName: 'Ivo', lastName: 'Invitee', password: 'long enough password' },
    });
    expect((await storefront.ok(ORDER, { id })).order.seats).toEqual({ total: 5, remaining: 3, pending: 0, used: 2, void: 0 });

    // Removing the first person returns their seat.
    const [givenGrant] = (await t.dataSource.query(`SELECT id FROM access_grant WHERE code_id = $1`, [given])) as { id: string }[];
    await admin.client.ok(`mutation($id: UUID!) { revokeAccess(input: { grantId: $id }) { grant { status } } }`, {
      id: givenGrant.id,
    });
    expect((await storefront.ok(ORDER, { id })).order.seats).toEqual({ total: 5, remaining: 4, pending: 0, used: 1, void: 0 });
  });

  it('lists the orders with their seats, and finds them by reference or product', async () => {
    const all = await admin.client.ok(ORDERS, { org: organization.id });
    expect(all.orders.totalCount).toBe(4);
    expect(all.orders.edges.map((edge: { node: { externalReference: string } }) => edge.node.externalReference)).toEqual([
      'SO-1001',
      'SO-1002',
      'SO-1003',
      'SO-1004',
    ]);
    expect(all.orders.edges.map((edge: { node: { seats: { total: number } } }) => edge.node.seats.total)).toEqual([5, 0, 0, 2]);

    const byReference = await storefront.ok(ORDERS, { org: organization.id, filter: { search: 'so-100' } });
    expect(byReference.orders.totalCount).toBe(4);
    const byProduct = await storefront.ok(ORDERS, { org: organization.id, filter: { search: 'coaching' } });
    expect(byProduct.orders.edges.map((edge: { node: { externalReference: string } }) => edge.node.externalReference)).toEqual(['SO-1003']);
    const none = await storefront.ok(ORDERS, { org: organization.id, filter: { search: '%' } });
    expect(none.orders.totalCount).toBe(0);

    const firstPage = await storefront.ok(ORDERS, { org: organization.id, first: 3 });
    expect(firstPage.orders.pageInfo.hasNextPage).toBe(true);
    const secondPage = await storefront.ok(ORDERS, { org: organization.id, first: 3, after: firstPage.orders.pageInfo.endCursor });
    expect(secondPage.orders.edges.map((edge: { node: { externalReference: string } }) => edge.node.externalReference)).toEqual([
      'SO-1004',
    ]);
    expect((await otherStorefront.ok(ORDERS, { org: otherOrganization.id })).orders.totalCount).toBe(0);
  });
});

describe('orders: recorded with all their codes, once, or not at all', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  const counts = async () =>
    (
      await t.dataSource.query(
        `SELECT (SELECT count(*) FROM purchase_order)::int AS orders, (SELECT count(*) FROM code_batch)::int AS batches,
                (SELECT count(*) FROM code)::int AS codes, (SELECT count(*) FROM domain_event WHERE type = 'OrderRecorded')::int AS events`,
      )
    )[0];

  beforeAll(async () => {
    // 400 codes of 12 symbols from 29 give about 1 in 900 trillion per guess: over this ceiling; 5 do not.
    t = await TestApp.create({ env: { CODE_GUESS_CEILING: '1e-15' } });
    ({ organization, admin } = await new Fixtures(t).organization());
    priceId = await productWithPrice(admin, organization, 'Big course', true);
  });
  afterAll(() => t.close());

  const input = (externalReference: string, quantity: number) => ({
    input: { organizationId: organization.id, externalReference, priceId, quantity, placedAt: PLACED_AT },
  });

  it('records an order reported twice at the same moment once: one report creates it, the other gets it back', async () => {
    const reports = await Promise.all([admin.client.ok(RECORD, input('RACE-1', 5)), admin.client.ok(RECORD, input('RACE-1', 5))]);
    expect(reports.map((report) => report.recordOrder.created).sort()).toEqual([false, true]);
    expect(new Set(reports.map((report) => report.recordOrder.order.id)).size).toBe(1);
    expect(await counts()).toEqual({ orders: 1, batches: 1, codes: 5, events: 1 });
  });

  it('refuses an order whose codes would be too easy to guess with CONFLICT on quantity, writing nothing', async () => {
    const error = await admin.client.fails(RECORD, input('BIG-1', 400));
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'ORDER_TOO_LARGE', field: 'quantity' } });
    expect(error.message).toContain('Codes for 400 seats cannot be made');
    expect(error.message).toContain('The order was not recorded.');
    expect(await counts()).toEqual({ orders: 1, batches: 1, codes: 5, events: 1 });
  });
});
