import { Fixtures, Person, TestApp } from '@tessera/testing';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { Organization } from '../src/identity/entities/organization.entity';

const PRICE_FIELDS = 'id productId priceCode name amountMinor currency accessDays accessStartsAt accessEndsAt generatesRegistrationCodes';
const PRODUCT_FIELDS = `id ownerOrganizationId name description milestones { key label } prices { ${PRICE_FIELDS} }`;
const CONTRACT_FIELDS = 'id organizationId name invitationPrefix status startsAt endsAt prices { id priceCode product { id name } }';

const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
const UPDATE_PRODUCT = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
const PRODUCT = `query($id: UUID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `query($org: UUID, $filter: ProductFilter) {
  products(organizationId: $org, filter: $filter, first: 100) { totalCount edges { node { id name ownerOrganizationId } } }
}`;
const CREATE_PRICE = `mutation($input: CreatePriceInput!) { createPrice(input: $input) { price { ${PRICE_FIELDS} product { id } } } }`;
const UPDATE_PRICE = `mutation($input: UpdatePriceInput!) { updatePrice(input: $input) { price { ${PRICE_FIELDS} } } }`;
const CREATE_CONTRACT = `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { ${CONTRACT_FIELDS} } } }`;
const UPDATE_CONTRACT = `mutation($input: UpdateContractInput!) { updateContract(input: $input) { contract { ${CONTRACT_FIELDS} } } }`;
const ARCHIVE_CONTRACT = `mutation($input: ArchiveContractInput!) { archiveContract(input: $input) { contract { id status } } }`;
const CONTRACT = `query($id: UUID!) { contract(id: $id) { ${CONTRACT_FIELDS} } }`;
const CONTRACTS = `query($org: UUID!, $filter: ContractFilter) {
  contracts(organizationId: $org, filter: $filter) { totalCount edges { node { id name status prices { priceCode } } } }
}`;
const GENERATE = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id status prefix } } }`;
const IMPORT = `mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported } }`;

const MILESTONES = [
  { key: 'assessment_completed', label: 'Assessment completed' },
  { key: 'survey_completed', label: 'Survey completed' },
];

type Fields = { field: string; message: string }[];

describe('contracts: products with milestones, prices, contracts', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  let org: Organization;
  let admin: Person;
  let member: Person;
  let otherOrg: Organization;
  let otherAdmin: Person;
  let root: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    fixtures = new Fixtures(t);
    ({ organization: org, admin } = await fixtures.organization('Booking Platform'));
    member = (await fixtures.member(org, MemberRole.MEMBER)).person;
    ({ organization: otherOrg, admin: otherAdmin } = await fixtures.organization('Other Platform'));
    root = await fixtures.platformAdmin();
  });
  afterAll(() => t.close());

  const productOf = async (client: Person['client'], input: Record<string, unknown>) =>
    (await client.ok(CREATE_PRODUCT, { input })).createProduct.product;
  const priceOf = async (client: Person['client'], input: Record<string, unknown>) =>
    (await client.ok(CREATE_PRICE, { input })).createPrice.price;
  const contractOf = async (input: Record<string, unknown>) => (await admin.client.ok(CREATE_CONTRACT, { input })).createContract.contract;
  const fieldsOf = (error: { extensions?: Record<string, unknown> }) => (error.extensions?.fields as Fields).map((f) => f.field);

  describe('products and prices', () => {
    it('lets an organisation admin create a product with milestones and prices, which its members see', async () => {
      const product = await productOf(admin.client, {
        ownerOrganizationId: org.id,
        name: 'Wellbeing Programme',
        description: 'Coaching sessions',
        milestones: [MILESTONES[0], { key: 'survey_completed', label: '  Survey completed ' }],
      });
      expect(product).toMatchObject({ ownerOrganizationId: org.id, name: 'Wellbeing Programme', milestones: MILESTONES, prices: [] });

      const standard = await priceOf(admin.client, {
        productId: product.id,
        priceCode: 'STD-1',
        name: 'Standard',
        amountMinor: 49_000,
        currency: 'gbp',
        accessDays: 365,
        generatesRegistrationCodes: true,
      });
      expect(standard).toMatchObject({
        productId: product.id,
        priceCode: 'STD-1',
        amountMinor: 49_000,
        currency: 'GBP',
        accessDays: 365,
        accessStartsAt: null,
        accessEndsAt: null,
        generatesRegistrationCodes: true,
        product: { id: product.id },
      });
      const season = await priceOf(admin.client, {
        productId: product.id,
        priceCode: 'SEASON_2027',
        name: 'Season 2027',
        accessStartsAt: '2027-01-01T00:00:00.000Z',
        accessEndsAt: '2027-12-31T23:59:59.000Z',
      });
      expect(season).toMatchObject({
        accessDays: null,
        accessStartsAt: '2027-01-01T00:00:00.000Z',
        accessEndsAt: '2027-12-31T23:59:59.000Z',
        amountMinor: 0,
        currency: 'EUR',
      });

      const seen = (await member.client.ok(PRODUCT, { id: product.id })).product;
      expect(seen.milestones).toEqual(MILESTONES);
      expect(seen.prices.map((p: { priceCode: string }) => p.priceCode)).toEqual(['STD-1', 'SEASON_2027']);
      const listed = await member.client.ok(PRODUCTS, { org: org.id, filter: { search: 'wellbeing' } });
      expect(listed.products.edges.map((e: any) => e.node.id)).toEqual([product.id]);
    });

    it('makes platform catalogue products through platform admins only; every organisation sees the catalogue', async () => {
      expect((await admin.client.fails(CREATE_PRODUCT, { input: { name: 'Not mine to add' } })).code).toBe('FORBIDDEN');
      const catalogue = await productOf(root.client, { name: 'Catalogue Course', milestones: [{ key: 'module_1', label: 'Module 1' }] });
      expect(catalogue.ownerOrganizationId).toBeNull();
      const forbidden = await admin.client.fails(CREATE_PRICE, {
        input: { productId: catalogue.id, priceCode: 'MINE', name: 'Mine', accessDays: 30 },
      });
      expect(forbidden.code).toBe('FORBIDDEN');
      expect((await admin.client.fails(UPDATE_PRODUCT, { input: { productId: catalogue.id, name: 'Mine' } })).code).toBe('FORBIDDEN');
      const price = await priceOf(root.client, { productId: catalogue.id, priceCode: 'OPEN', name: 'Open', accessDays: 90 });
      expect((await admin.client.fails(UPDATE_PRICE, { input: { priceId: price.id, amountMinor: 0 } })).code).toBe('FORBIDDEN');

      const own = await productOf(otherAdmin.client, { ownerOrganizationId: otherOrg.id, name: 'Other Course' });
      const names = async (client: Person['client'], variables: Record<string, unknown>) =>
        (await client.ok(PRODUCTS, variables)).products.edges.map((e: any) => e.node.name);
      expect(await names(otherAdmin.client, { org: otherOrg.id })).toEqual(['Catalogue Course', 'Other Course']);
      expect(await names(member.client, { org: org.id })).toEqual(expect.arrayContaining(['Wellbeing Programme', 'Catalogue Course']));
      expect(await names(member.client, { org: org.id })).not.toContain('Other Course');
      expect(await names(member.client, {})).not.toContain('Other Course');
      expect(await names(root.client, {})).toEqual(expect.arrayContaining(['Wellbeing Programme', 'Catalogue Course', 'Other Course']));

      expect((await member.client.ok(PRODUCT, { id: catalogue.id })).product.prices).toHaveLength(1);
      expect((await member.client.fails(PRODUCT, { id: own.id })).code).toBe('FORBIDDEN');
      expect((await member.client.fails(PRODUCTS, { org: otherOrg.id })).code).toBe('FORBIDDEN');
    });

    it('changes a product: name, and the milestones replaced as a whole', async () => {
      const product = await productOf(admin.client, { ownerOrganizationId: org.id, name: 'Draft', milestones: MILESTONES });
      const { updateProduct } = await admin.client.ok(UPDATE_PRODUCT, {
        input: { productId: product.id, name: 'Final', milestones: [{ key: 'onboarding_done', label: 'Onboarding done' }] },
      });
      expect(updateProduct.product).toMatchObject({ name: 'Final', milestones: [{ key: 'onboarding_done', label: 'Onboarding done' }] });
      expect((await member.client.fails(UPDATE_PRODUCT, { input: { productId: product.id, name: 'Mine' } })).code).toBe('FORBIDDEN');
      expect((await otherAdmin.client.fails(UPDATE_PRODUCT, { input: { productId: product.id, name: 'Mine' } })).code).toBe('FORBIDDEN');
    });

    it.each([
      ['a key that is not lower_snake_case', [{ key: 'Assessment Completed', label: 'Assessment' }], 'milestones.0.key'],
      ['an empty label', [{ key: 'assessment', label: '' }], 'milestones.0.label'],
      ['a key given twice', [MILESTONES[0], { ...MILESTONES[0], label: 'Again' }], 'milestones.1.key'],
    ])('refuses milestones with %s (BAD_USER_INPUT on that field)', async (_, milestones, field) => {
      const error = await admin.client.fails(CREATE_PRODUCT, { input: { ownerOrganizationId: org.id, name: 'Bad', milestones } });
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(fieldsOf(error)).toContain(field);
    });

    describe('price rules', () => {
      let productId: string;
      beforeAll(async () => {
        productId = (await productOf(admin.client, { ownerOrganizationId: org.id, name: 'Priced' })).id;
      });
      const count = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM price WHERE product_id = $1', [productId]))[0].n;

      it.each([
        ['a lower-case price code', { priceCode: 'std' }, 'priceCode'],
        ['a price code with a space', { priceCode: 'ST D' }, 'priceCode'],
        ['a price code with punctuation', { priceCode: 'STD!' }, 'priceCode'],
        [
          'both accessDays and fixed dates',
          { accessDays: 30, accessStartsAt: '2027-01-01T00:00:00Z', accessEndsAt: '2027-06-30T00:00:00Z' },
          'accessDays',
        ],
        [
          'an access end before its start',
          { accessDays: null, accessStartsAt: '2027-06-30T00:00:00Z', accessEndsAt: '2027-01-01T00:00:00Z' },
          'accessEndsAt',
        ],
        ['a start date without an end', { accessDays: null, accessStartsAt: '2027-01-01T00:00:00Z' }, 'accessEndsAt'],
        ['neither accessDays nor fixed dates', { accessDays: null }, 'accessDays'],
        ['zero access days', { accessDays: 0 }, 'accessDays'],
        ['a negative amount', { amountMinor: -1 }, 'amountMinor'],
        ['a currency of four letters', { currency: 'EURO' }, 'currency'],
        ['a currency that is not ISO 4217', { currency: 'ABC' }, 'currency'],
      ])('refuses %s with BAD_USER_INPUT on that field, writing nothing', async (_, overrides, field) => {
        const before = await count();
        const error = await admin.client.fails(CREATE_PRICE, {
          input: { productId, priceCode: 'OK', name: 'Price', accessDays: 30, ...overrides },
        });
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(fieldsOf(error)).toContain(field);
        expect(await count()).toBe(before);
      });

      it('refuses a price code already used in the product (CONFLICT), also on change; other products may reuse it', async () => {
        await priceOf(admin.client, { productId, priceCode: 'DUP', name: 'First', accessDays: 30 });
        const second = await priceOf(admin.client, { productId, priceCode: 'DUP2', name: 'Second', accessDays: 30 });
        const clash = await admin.client.fails(CREATE_PRICE, { input: { productId, priceCode: 'DUP', name: 'Again', accessDays: 30 } });
        expect(clash).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'PRICE_CODE_TAKEN', field: 'priceCode' } });
        expect(await admin.client.fails(UPDATE_PRICE, { input: { priceId: second.id, priceCode: 'DUP' } })).toMatchObject({
          code: 'CONFLICT',
          extensions: { reason: 'PRICE_CODE_TAKEN' },
        });
        const elsewhere = await productOf(admin.client, { ownerOrganizationId: org.id, name: 'Elsewhere' });
        expect((await priceOf(admin.client, { productId: elsewhere.id, priceCode: 'DUP', name: 'Fine', accessDays: 30 })).priceCode).toBe(
          'DUP',
        );
      });

      it('changes a price: switching between days and fixed dates clears the other form', async () => {
        const price = await priceOf(admin.client, { productId, priceCode: 'SWITCH', name: 'Switch', accessDays: 30 });
        const toDates = await admin.client.ok(UPDATE_PRICE, {
          input: { priceId: price.id, accessStartsAt: '2027-01-01T00:00:00Z', accessEndsAt: '2027-03-01T00:00:00Z', amountMinor: 1500 },
        });
        expect(toDates.updatePrice.price).toMatchObject({
          accessDays: null,
          accessStartsAt: '2027-01-01T00:00:00.000Z',
          accessEndsAt: '2027-03-01T00:00:00.000Z',
          amountMinor: 1500,
        });
        const extended = await admin.client.ok(UPDATE_PRICE, { input: { priceId: price.id, accessEndsAt: '2027-04-01T00:00:00Z' } });
        expect(extended.updatePrice.price).toMatchObject({
          accessStartsAt: '2027-01-01T00:00:00.000Z',
          accessEndsAt: '2027-04-01T00:00:00.000Z',
        });
        const early = await admin.client.fails(UPDATE_PRICE, { input: { priceId: price.id, accessEndsAt: '2026-12-01T00:00:00Z' } });
        expect(early).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'accessEndsAt' }] } });
        const both = await admin.client.fails(UPDATE_PRICE, {
          input: { priceId: price.id, accessDays: 10, accessEndsAt: '2027-05-01T00:00:00Z' },
        });
        expect(both).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'accessDays' }] } });
        const toDays = await admin.client.ok(UPDATE_PRICE, { input: { priceId: price.id, accessDays: 60, name: 'Sixty days' } });
        expect(toDays.updatePrice.price).toMatchObject({ name: 'Sixty days', accessDays: 60, accessStartsAt: null, accessEndsAt: null });
        const none = await admin.client.fails(UPDATE_PRICE, { input: { priceId: price.id, accessDays: null } });
        expect(none).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'accessDays' }] } });
      });
    });
  });

  describe('contracts', () => {
    let prices: Record<string, string>;
    let foreignPriceId: string;

    beforeAll(async () => {
      const product = await productOf(admin.client, { ownerOrganizationId: org.id, name: 'Contracted Product' });
      const catalogue = await productOf(root.client, { name: 'Contracted Catalogue Product' });
      prices = {
        MENTEE: (await priceOf(admin.client, { productId: product.id, priceCode: 'MENTEE', name: 'Mentee', accessDays: 365 })).id,
        MENTOR: (await priceOf(admin.client, { productId: product.id, priceCode: 'MENTOR', name: 'Mentor', accessDays: 365 })).id,
        SHARED: (await priceOf(root.client, { productId: catalogue.id, priceCode: 'SHARED', name: 'Shared', accessDays: 30 })).id,
      };
      const foreign = await productOf(otherAdmin.client, { ownerOrganizationId: otherOrg.id, name: 'Foreign Product' });
      foreignPriceId = (await priceOf(otherAdmin.client, { productId: foreign.id, priceCode: 'FOREIGN', name: 'Foreign', accessDays: 30 }))
        .id;
    });

    it('creates, lists, changes a contract; the allowed prices are replaced as a set', async () => {
      const contract = await contractOf({
        organizationId: org.id,
        name: 'Spring Cohort',
        invitationPrefix: 'spr-ng',
        priceIds: [prices.MENTEE, prices.SHARED, prices.MENTEE],
        startsAt: '2027-03-01T00:00:00Z',
        endsAt: '2027-06-30T00:00:00Z',
      });
      expect(contract).toMatchObject({ organizationId: org.id, name: 'Spring Cohort', invitationPrefix: 'SPRNG', status: 'ACTIVE' });
      expect(contract.prices.map((p: { priceCode: string }) => p.priceCode).sort()).toEqual(['MENTEE', 'SHARED']);
      expect(contract.prices.find((p: { priceCode: string }) => p.priceCode === 'SHARED').product.name).toBe(
        'Contracted Catalogue Product',
      );

      const { updateContract } = await admin.client.ok(UPDATE_CONTRACT, {
        input: { contractId: contract.id, name: 'Spring Cohort 2027', invitationPrefix: 'k7 m2', priceIds: [prices.MENTOR], endsAt: null },
      });
      expect(updateContract.contract).toMatchObject({
        name: 'Spring Cohort 2027',
        invitationPrefix: 'K7M2',
        startsAt: '2027-03-01T00:00:00.000Z',
        endsAt: null,
        prices: [{ id: prices.MENTOR, priceCode: 'MENTOR' }],
      });
      const read = (await admin.client.ok(CONTRACT, { id: contract.id })).contract;
      expect(read.prices.map((p: { priceCode: string }) => p.priceCode)).toEqual(['MENTOR']);

      const { contracts } = await admin.client.ok(CONTRACTS, { org: org.id, filter: { search: 'spring', status: 'ACTIVE' } });
      expect(contracts).toEqual({
        totalCount: 1,
        edges: [{ node: { id: contract.id, name: 'Spring Cohort 2027', status: 'ACTIVE', prices: [{ priceCode: 'MENTOR' }] } }],
      });

      const generated = await admin.client.ok(GENERATE, {
        input: { organizationId: org.id, contractId: contract.id, priceId: prices.MENTOR, quantity: 3, width: 10 },
      });
      expect(generated.generateCodes.batch).toMatchObject({ status: 'COMPLETED', prefix: 'K7M2' });
    });

    it.each([
      ['an O', 'DEMO'],
      ['a 1', 'AB1'],
      ['a 0', 'X0X'],
      ['more than 8 characters', 'ABCDEFGHJ'],
      ['punctuation', 'AB$'],
    ])(
      'refuses an invitation prefix with %s (BAD_USER_INPUT on invitationPrefix), on create and on change',
      async (_, invitationPrefix) => {
        const created = await admin.client.fails(CREATE_CONTRACT, {
          input: { organizationId: org.id, name: 'Bad prefix', invitationPrefix },
        });
        expect(created.code).toBe('BAD_USER_INPUT');
        expect(fieldsOf(created)).toEqual(['invitationPrefix']);
        const contract = await contractOf({ organizationId: org.id, name: 'Good prefix', invitationPrefix: 'GREAT' });
        const changed = await admin.client.fails(UPDATE_CONTRACT, { input: { contractId: contract.id, invitationPrefix } });
        expect(changed.code).toBe('BAD_USER_INPUT');
        expect(fieldsOf(changed)).toEqual(['invitationPrefix']);
      },
    );

    it('refuses an end before the start, and prices the organisation may not use', async () => {
      const dates = await admin.client.fails(CREATE_CONTRACT, {
        input: { organizationId: org.id, name: 'Backwards', startsAt: '2027-06-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' },
      });
      expect(dates).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'endsAt' }] } });
      const contract = await contractOf({ organizationId: org.id, name: 'Dated', startsAt: '2027-06-01T00:00:00Z' });
      const early = await admin.client.fails(UPDATE_CONTRACT, { input: { contractId: contract.id, endsAt: '2027-05-01T00:00:00Z' } });
      expect(early).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'endsAt' }] } });

      const stolen = await admin.client.fails(CREATE_CONTRACT, {
        input: { organizationId: org.id, name: 'Stolen', priceIds: [foreignPriceId] },
      });
      expect(stolen.code).toBe('NOT_FOUND');
      expect((await admin.client.fails(UPDATE_CONTRACT, { input: { contractId: contract.id, priceIds: [foreignPriceId] } })).code).toBe(
        'NOT_FOUND',
      );
      expect((await admin.client.ok(CONTRACT, { id: contract.id })).contract.prices).toEqual([]);
    });

    it('archives a contract: no more changes, no new codes, still readable', async () => {
      const contract = await contractOf({ organizationId: org.id, name: 'Closing', invitationPrefix: 'CXS', priceIds: [prices.MENTEE] });
      const { archiveContract } = await admin.client.ok(ARCHIVE_CONTRACT, { input: { contractId: contract.id, reason: 'cohort ended' } });
      expect(archiveContract.contract).toEqual({ id: contract.id, status: 'ARCHIVED' });

      const archivedConflict = { code: 'CONFLICT', extensions: { reason: 'CONTRACT_ARCHIVED' } };
      expect(await admin.client.fails(ARCHIVE_CONTRACT, { input: { contractId: contract.id } })).toMatchObject(archivedConflict);
      expect(await admin.client.fails(UPDATE_CONTRACT, { input: { contractId: contract.id, name: 'Reopened' } })).toMatchObject(
        archivedConflict,
      );
      const generate = await admin.client.fails(GENERATE, {
        input: { organizationId: org.id, contractId: contract.id, priceId: prices.MENTEE, quantity: 3, width: 10 },
      });
      expect(generate).toMatchObject(archivedConflict);
      expect(generate.message).toMatch(/archived/);
      const imported = await admin.client.fails(IMPORT, { input: { organizationId: org.id, contractId: contract.id, text: 'LATE12345' } });
      expect(imported).toMatchObject(archivedConflict);
      const [codes] = await t.dataSource.query('SELECT count(*)::int AS n FROM code WHERE contract_id = $1', [contract.id]);
      expect(codes.n).toBe(0);

      expect((await admin.client.ok(CONTRACT, { id: contract.id })).contract).toMatchObject({ name: 'Closing', status: 'ARCHIVED' });
      const archived = await admin.client.ok(CONTRACTS, { org: org.id, filter: { status: 'ARCHIVED' } });
      expect(archived.contracts.edges.map((e: any) => e.node.id)).toEqual([contract.id]);
    });

    it('lets only the admins (and API keys) of the contract’s organisation read or change it', async () => {
      const contract = await contractOf({ organizationId: org.id, name: 'Private' });
      for (const client of [member.client, otherAdmin.client]) {
        expect((await client.fails(CONTRACT, { id: contract.id })).code).toBe('FORBIDDEN');
        expect((await client.fails(UPDATE_CONTRACT, { input: { contractId: contract.id, name: 'Mine' } })).code).toBe('FORBIDDEN');
        expect((await client.fails(ARCHIVE_CONTRACT, { input: { contractId: contract.id } })).code).toBe('FORBIDDEN');
        expect((await client.fails(CREATE_CONTRACT, { input: { organizationId: org.id, name: 'Mine' } })).code).toBe('FORBIDDEN');
        expect((await client.fails(CONTRACTS, { org: org.id })).code).toBe('FORBIDDEN');
      }
      const { createApiKey } = await admin.client.ok(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
        input: { organizationId: org.id, name: 'Booking system' },
      });
      const system = t.client.as(createApiKey.secret);
      expect((await system.ok(CONTRACT, { id: contract.id })).contract.name).toBe('Private');
      expect((await system.ok(CONTRACTS, { org: org.id, filter: { search: 'private' } })).contracts.totalCount).toBe(1);
      expect((await system.fails(ARCHIVE_CONTRACT, { input: { contractId: contract.id } })).code).toBe('FORBIDDEN');
      expect((await admin.client.ok(CONTRACT, { id: contract.id })).contract.status).toBe('ACTIVE');
    });

    it('records every change as a domain event of the owning organisation', async () => {
      const rows: { type: string; organization_id: string | null }[] = await t.dataSource.query(
        `SELECT DISTINCT type, organization_id FROM domain_event
          WHERE type IN ('ProductCreated', 'ProductUpdated', 'PriceCreated', 'PriceUpdated', 'ContractCreated', 'ContractUpdated', 'ContractArchived')`,
      );
      const types = (organizationId: string | null) =>
        rows
          .filter((r) => r.organization_id === organizationId)
          .map((r) => r.type)
          .sort();
      expect(types(org.id)).toEqual([
        'ContractArchived',
        'ContractCreated',
        'ContractUpdated',
        'PriceCreated',
        'PriceUpdated',
        'ProductCreated',
        'ProductUpdated',
      ]);
      expect(types(null)).toEqual(['PriceCreated', 'ProductCreated']);
    });
  });
});
