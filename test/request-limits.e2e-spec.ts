import { REQUEST_SHAPE_REASONS } from '@tessera/common';
import {
  atLargestPages,
  documentedOperations,
  Fixtures,
  GraphQLResponse,
  Person,
  subscriptionClient,
  TestApp,
  withIdsFilledIn,
} from '@tessera/testing';
import { buildSchema, Kind, OperationDefinitionNode, parse } from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Request limits as a frontend team meets them (issue 19): every documented operation is admitted
 * at the largest page, the cost counts the page sizes asked however they are written, and each
 * refusal of a document's shape says why in `extensions.reason` (BAD_USER_INPUT stays the code),
 * never as a "Syntax Error" it is not.
 */
const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8'));
const DEFAULT_LIMITS = { cost: 30_000, depth: 10, aliases: 15, tokens: 5000 };

/** Three nested pages of 100 within the depth limit: the innermost page is fetched for its count. */
const NESTED_PAGES = (first: string) => `query Nested($org: UUID!${first === '$first' ? ', $first: Int!' : ''}) {
  codes(organizationId: $org, first: ${first}) { edges { node {
    sends(first: ${first}) { edges { node { code { sends(first: ${first}) { totalCount } } } } }
  } } }
}`;

type ErrorShape = NonNullable<GraphQLResponse['errors']>[number];

const shapeRefusals = (result: GraphQLResponse): ErrorShape[] =>
  (result.errors ?? []).filter((error) => REQUEST_SHAPE_REASONS.has(String(error.extensions?.reason)));

/** The one error of a refused request, which must be BAD_USER_INPUT with `reason` and not call itself a syntax error. */
function refusal(result: GraphQLResponse, reason: string): ErrorShape {
  expect(result.status).toBe(400);
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  expect(error.message).not.toMatch(/syntax error/i);
  return error;
}

describe('request limits: cost counts the page sizes asked, each refusal has its reason', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization());
    const { price } = await fixtures.catalogue(organization);
    await fixtures.codes(organization, { quantity: 3, priceId: price.id });
  });
  afterAll(() => t.close());

  /** A subscription as a frontend sends it, over the WebSocket: its first answer, or its refusal, as a response. */
  async function overWebSocket(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
    const client = subscriptionClient(t.url, admin.token);
    try {
      const { value } = await client.iterate({ query, variables }).next();
      return { status: 200, data: value?.data, errors: value?.errors as ErrorShape[] | undefined, headers: new Headers() };
    } catch (refused) {
      return { status: 200, errors: refused as ErrorShape[], headers: new Headers() };
    } finally {
      await client.dispose();
    }
  }

  it('runs with the documented default limits', () => {
    const { maxCost, maxDepth, maxAliases, maxTokens } = t.runtime.config.graphql;
    expect({ cost: maxCost, depth: maxDepth, aliases: maxAliases, tokens: maxTokens }).toEqual(DEFAULT_LIMITS);
  });

  describe('every operation of examples/ and README.md, with every page at 100', () => {
    it.each(documentedOperations().map((operation) => [operation.source, operation]))(
      '%s is not refused for its shape',
      async (_source, operation) => {
        const { operation: type } = parse(operation.query).definitions.find(
          (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
        )!;
        // Queries read the admin's organisation; mutations and subscriptions get an id nobody holds, so they change and follow nothing.
        const id = type === 'query' ? organization.id : randomUUID();
        const { query, variables } = withIdsFilledIn(schema, atLargestPages(schema, operation), id);
        const result = type === 'subscription' ? await overWebSocket(query, variables) : await admin.client.request(query, variables);
        expect(result.status).toBeLessThan(500);
        expect(shapeRefusals(result)).toEqual([]);
        for (const error of result.errors ?? []) expect(error.message).not.toMatch(/syntax error/i);
      },
    );
  });

  describe('cost', () => {
    it('counts a page size from variables as it counts a literal', async () => {
      const literal = refusal(await admin.client.request(NESTED_PAGES('100'), { org: organization.id, first: 100 }), 'QUERY_TOO_COSTLY');
      const variable = refusal(
        await admin.client.request(NESTED_PAGES('$first'), { org: organization.id, first: 100 }),
        'QUERY_TOO_COSTLY',
      );
      expect(variable.extensions!.cost).toBe(literal.extensions!.cost);
      // At pages of 2 the same document is admitted, literal or variable alike.
      for (const first of ['2', '$first']) {
        const small = await admin.client.request(NESTED_PAGES(first), { org: organization.id, first: 2 });
        expect(small.errors).toBeUndefined();
      }
    });

    it('refuses three nested pages of 100 as QUERY_TOO_COSTLY, with the cost and the limit', async () => {
      const error = refusal(await admin.client.request(NESTED_PAGES('100'), { org: organization.id, first: 100 }), 'QUERY_TOO_COSTLY');
      expect(error.extensions!.limit).toBe(DEFAULT_LIMITS.cost);
      // 100 × 100 pages each holding a page of 100: a million rows asked for.
      expect(error.extensions!.cost).toBeGreaterThan(1_000_000);
      expect(error.message).toContain(`costs ${error.extensions!.cost}`);
    });

    it('refuses fragments spread in fragments, which multiply past counting, quickly and as QUERY_TOO_COSTLY', async () => {
      // Three levels (depth 9: armor counts a spread and its fragment), each spreading the next thirty
      // times: 27,000 fields to count from 200 tokens.
      const spreads = (next: number) => Array.from({ length: 30 }, () => `...F${next}`).join(' ');
      const fragments = Array.from({ length: 4 }, (_, i) =>
        i < 3 ? `fragment F${i} on Query { ${spreads(i + 1)} }` : 'fragment F3 on Query { __typename }',
      );
      const started = Date.now();
      const result = await admin.client.request(`query { ...F0 } ${fragments.join(' ')}`);
      expect(Date.now() - started).toBeLessThan(5000);
      const error = refusal(result, 'QUERY_TOO_COSTLY');
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COSTLY', limit: DEFAULT_LIMITS.cost });
    });
  });

  describe('the other limits, each with its reason', () => {
    it('an alias flood is TOO_MANY_ALIASES, with the count and the limit', async () => {
      const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: codes(organizationId: $org) { totalCount }`).join(' ');
      const error = refusal(await admin.client.request(`query($org: UUID!) { ${aliases} }`, { org: organization.id }), 'TOO_MANY_ALIASES');
      expect(error.extensions).toMatchObject({ aliases: 200, limit: DEFAULT_LIMITS.aliases });
    });

    it('deep nesting is QUERY_TOO_DEEP, with the depth and the limit', async () => {
      let selection = 'id';
      for (let i = 0; i < 3; i++) selection = `sends { edges { node { code { ${selection} } } } }`;
      // codes, edges, node, three times sends/edges/node/code, id.
      const error = refusal(
        await admin.client.request(`query($org: UUID!) { codes(organizationId: $org) { edges { node { ${selection} } } } }`, {
          org: organization.id,
        }),
        'QUERY_TOO_DEEP',
      );
      expect(error.extensions).toMatchObject({ depth: 16, limit: DEFAULT_LIMITS.depth });
    });

    it('a document of too many tokens is TOO_MANY_TOKENS, with the limit', async () => {
      const error = refusal(await admin.client.request(`query { ${'__typename '.repeat(10_000)} }`), 'TOO_MANY_TOKENS');
      expect(error.extensions).toMatchObject({ limit: DEFAULT_LIMITS.tokens });
    });

    it.each([
      ['an unknown field', '{ __typename nope }'],
      ['an unknown argument', '{ me(nope: 1) { __typename } }'],
      ['a literal of the wrong type', '{ organization(id: "ORG") { id } }'],
      ['a subscription', 'subscription { x }'],
    ])('%s is INVALID_QUERY', async (_label, query) => {
      refusal(await admin.client.request(query), 'INVALID_QUERY');
    });

    it('a document that does not parse is INVALID_QUERY (a syntax error may say so)', async () => {
      const result = await admin.client.request('{ me { ');
      expect(result.status).toBe(400);
      expect(result.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }]);
    });

    it('a variable of the wrong type is an input error: BAD_USER_INPUT without a reason', async () => {
      const result = await admin.client.request('query($id: UUID!) { organization(id: $id) { id } }', { id: 42 });
      expect(result.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT' }]);
    });

    it.each([
      ['a form post (Apollo’s check)', 'text/plain'],
      ['an upload without the preflight header (the upload guard)', 'multipart/form-data; boundary=x'],
    ])('%s is CSRF_REFUSED', async (_label, contentType) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = (await response.json()) as { errors: ErrorShape[] };
      refusal({ status: response.status, errors: body.errors, headers: response.headers }, 'CSRF_REFUSED');
      expect(body.errors[0].message).toContain('CSRF');
    });
  });
});
