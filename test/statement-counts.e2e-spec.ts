import { Fixtures, Person, StatementCounter, TestApp } from '@tessera/testing';

/**
 * No N+1 (DESIGN.md, GraphQL conventions): a page with its related objects selected runs the same
 * statements whether it holds 10 items or 100. Each relation is one batched look-up per request
 * (the per-request DataLoaders), and so is each check that the caller may see it.
 */
/**
 * Each page with the most statements it may run, whatever its size: signing in, the access check,
 * the page and its count, then one look-up per kind of related object and one for the caller's roles
 * (the admin's accessGrants: 16, the API key's 15; the admin's invitations 12; codes 13 and 12).
 */
const PAGES: Record<string, { query: string; callers: Caller[]; atMost: number }> = {
  accessGrants: {
    callers: ['admin', 'API key'],
    query: `query($org: UUID!, $first: Int!) {
      accessGrants(organizationId: $org, first: $first) {
        edges { node {
          id code status
          redeemedCode { id status batch { id } }
          product { name } price { name } user { email } organization { name }
          history { kind } milestones { key }
        } }
      }
    }`,
    atMost: 16,
  },
  invitations: {
    callers: ['admin'],
    query: `query($org: UUID!, $first: Int!) {
      invitations(organizationId: $org, first: $first) {
        edges { node {
          id email status
          code { displayCode status price { name product { name } } }
          invitedBy { email } organization { name }
        } }
      }
    }`,
    atMost: 12,
  },
  codes: {
    callers: ['admin', 'API key'],
    query: `query($org: UUID!, $first: Int!) {
      codes(organizationId: $org, first: $first) {
        edges { node {
          id displayCode status
          batch { id createdBy { email } price { name } }
          price { name } product { name } organization { name }
          accessGrant { id status user { email } }
        } }
      }
    }`,
    atMost: 13,
  },
};

type Caller = 'admin' | 'API key';

const PAGE_SIZES = [10, 100];

describe('statement counts: a page of 100 with its relations costs what a page of 10 does', () => {
  let t: TestApp;
  let counter: StatementCounter;
  let admin: Person;
  let apiKey: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    const { organization, admin: orgAdmin } = await fixtures.organization('Busy Academy');
    ({ id: organizationId } = organization);
    admin = orgAdmin;
    const { price } = await fixtures.catalogue(organization, { productName: 'Big course' });
    // Seats go by code id: the first 100 codes are redeemed, the next 100 held by invitations.
    await fixtures.codes(organization, { quantity: 250, priceId: price.id });
    const people = Array.from({ length: 100 }, (_, i) => ({ email: `learner-${i}@example.test`, firstName: 'Learner', lastName: `${i}` }));
    await admin.client.ok(`mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { seatsRemaining } }`, {
      input: { organizationId, priceId: price.id, people },
    });
    const emails = Array.from({ length: 100 }, (_, i) => `invitee-${i}@example.test`);
    await admin.client.ok(`mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { seatsRemaining } }`, {
      input: { organizationId, priceId: price.id, emails },
    });
    const key = await admin.client.ok(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
      input: { organizationId, name: 'Storefront' },
    });
    apiKey = key.createApiKey.secret;
    counter = new StatementCounter(t);
  });
  afterAll(async () => {
    counter.detach();
    await t.close();
  });

  /** The statements of one page, and how many items it held (each with every relation it asked for). */
  async function page(caller: Caller, name: string, first: number): Promise<{ statements: string[]; items: number }> {
    const client = caller === 'admin' ? admin.client : t.client.as(apiKey);
    let items = 0;
    const statements = await counter.statementsOf(async (headers) => {
      const result = await client.request(PAGES[name].query, { org: organizationId, first }, headers);
      expect(result.errors).toBeUndefined();
      items = result.data![name].edges.length;
    });
    return { statements, items };
  }

  it.each(Object.entries(PAGES).flatMap(([name, { callers }]) => callers.map((caller) => [caller, name] as const)))(
    'as the %s, %s runs as many statements for 100 items as for 10, and few',
    async (caller, name) => {
      const pages = [];
      for (const first of PAGE_SIZES) pages.push(await page(caller, name, first));
      expect(pages.map((result) => result.items)).toEqual(PAGE_SIZES);
      const [small, large] = pages.map((result) => result.statements);
      if (process.env.PRINT_STATEMENTS)
        process.stdout.write(`${caller} ${name}: ${small.length} / ${large.length}\n${large.join('\n')}\n\n`);
      expect(large.length).toBe(small.length);
      expect(large.length).toBeLessThanOrEqual(PAGES[name].atMost);
    },
  );
});
