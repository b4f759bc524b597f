import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, DocumentNode, getIntrospectionQuery, GraphQLSchema, Kind, OperationDefinitionNode, parse } from 'graphql';
import { atLargestPages, documentedOperations, withIdsFilledIn } from '../../libs/testing/src/documented-operations';
import { loadConfig } from '../config/config';
import { repositoryRoot } from './playground/examples';
import { MAX_COUNTED_FIELDS, queryCost } from './query-cost';

function costIn(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}): number | undefined {
  const document: DocumentNode = parse(query);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  return queryCost(schema, document, operation, variables);
}

describe('queryCost', () => {
  /** A connection (`first` defaulting to 20, `last`), a plain list and an object, as the API shapes them. */
  const small = buildSchema(`
    type Query { things(first: Int! = 20, last: Int): ThingConnection! thing: Thing }
    type ThingConnection { edges: [ThingEdge!]! pageInfo: PageInfo! totalCount: Int! }
    type ThingEdge { cursor: String! node: Thing! }
    type PageInfo { hasNextPage: Boolean! }
    type Thing { id: ID! tags: [String!]! parts: [Part!]! children(first: Int! = 20): ThingConnection! }
    type Part { name: String! }
  `);
  // things = 1 + pageSize × edges; edges = 1 + node (the page is counted once, at `things`); node = 1 + id = 2.
  const perItem = 3;

  it('counts a page once per item asked: 1 + pageSize × (edges + node + id)', () => {
    expect(costIn(small, '{ things(first: 100) { edges { node { id } } } }')).toBe(1 + 100 * perItem);
  });

  it('reads the page size from variables as from literals', () => {
    expect(costIn(small, 'query($n: Int!) { things(first: $n) { edges { node { id } } } }', { n: 100 })).toBe(1 + 100 * perItem);
    expect(costIn(small, 'query($n: Int!) { things(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * perItem);
  });

  it('counts the default page size when none is asked, from the schema or for a variable left out', () => {
    expect(costIn(small, '{ things { edges { node { id } } } }')).toBe(1 + 20 * perItem);
    expect(costIn(small, 'query($n: Int) { things(first: $n) { edges { node { id } } } }')).toBe(1 + 20 * perItem);
  });

  it('counts `last` as asked, not the default of `first` beside it', () => {
    expect(costIn(small, '{ things(last: 50) { edges { node { id } } } }')).toBe(1 + 50 * perItem);
    expect(costIn(small, '{ things(first: 10, last: 60) { edges { node { id } } } }')).toBe(1 + 60 * perItem);
  });

  it('counts a plain list of objects as a default page, a list of scalars as one field', () => {
    expect(costIn(small, '{ thing { parts { name } } }')).toBe(1 + (1 + 20 * 1));
    expect(costIn(small, '{ thing { tags } }')).toBe(1 + 1);
  });

  it('multiplies nested pages', () => {
    expect(costIn(small, '{ things(first: 100) { edges { node { children(first: 100) { totalCount } } } } }')).toBe(
      1 + 100 * (1 + (1 + (1 + 100 * 1))),
    );
  });

  it('counts a page size out of range as the nearest one a page can hold (the field refuses it itself, on `first`)', () => {
    expect(costIn(small, '{ things(first: -100) { edges { node { id } } } }')).toBe(1 + 1 * perItem);
    expect(costIn(small, 'query($n: Int!) { things(first: $n) { edges { node { id } } } }', { n: 2147483647 })).toBe(1 + 100 * perItem);
  });

  it('counts introspection (`__schema`, `__type`) as one field: GRAPHQL_INTROSPECTION governs it', () => {
    expect(costIn(small, getIntrospectionQuery())).toBe(1);
    expect(costIn(small, '{ __type(name: "Thing") { fields { name } } things { totalCount } }')).toBe(1 + (1 + 20 * 1));
  });

  it('leaves variables that do not fit their types to execution, which refuses them', () => {
    expect(costIn(small, 'query($n: Int!) { things(first: $n) { totalCount } }', { n: 'many' })).toBeUndefined();
  });

  it('stops counting at MAX_COUNTED_FIELDS: fragments spread in fragments multiply', () => {
    // Five levels, each spreading the next ten times: 100,000 fields from a few hundred tokens.
    const spreads = (i: number) => Array.from({ length: 10 }, () => `...F${i + 1}`).join(' ');
    const levels = Array.from(
      { length: 6 },
      (_, i) => `fragment F${i} on Thing { id ${i < 5 ? `children { edges { node { ${spreads(i)} } } }` : ''} }`,
    );
    const bomb = `{ thing { ...F0 } } ${levels.join(' ')}`;
    expect(costIn(small, bomb)).toBe(Infinity);
    expect(MAX_COUNTED_FIELDS).toBe(10_000);
  });

  describe('the API (schema.gql) at the default GRAPHQL_MAX_COST', () => {
    const root = repositoryRoot();
    const schema = buildSchema(readFileSync(join(root, 'schema.gql'), 'utf8'));
    const limit = loadConfig({}).graphql.maxCost;

    it.each(documentedOperations(root).map((operation) => [operation.source, operation]))(
      '%s, with every page at 100, is within the limit',
      (_source, operation) => {
        const largest = withIdsFilledIn(schema, atLargestPages(schema, operation), '01890a5d-ac96-774b-bcce-b302099a8057');
        // A file is a variable JSON cannot hold (null in the examples): any value stands in, cost does not read it.
        const cost = costIn(schema, largest.query, { ...largest.variables, file: 'a file' });
        expect(cost).toBeDefined();
        expect(cost).toBeLessThanOrEqual(limit);
      },
    );

    it("refuses the README's fullest page of 100 fifteen times over (within the alias limit)", () => {
      const registrations = documentedOperations(root).find((operation) => /accessGrants[\s\S]*history/.test(operation.query))!;
      const page = atLargestPages(schema, registrations).query;
      const selection = page.slice(page.indexOf('accessGrants'), page.lastIndexOf('}'));
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: ${selection}`).join('\n');
      expect(costIn(schema, `{ ${aliases} }`)).toBeGreaterThan(limit);
    });

    it('refuses three nested pages of 100 (100 × 100 × 100), within the depth limit', () => {
      const nested = `query($org: UUID!) { codes(organizationId: $org, first: 100) { edges { node {
        sends(first: 100) { edges { node { code { sends(first: 100) { totalCount } } } } } } } } }`;
      const cost = costIn(schema, nested, { org: '01890a5d-ac96-774b-bcce-b302099a8057' });
      expect(cost).toBeGreaterThan(100 * 100 * 100);
      expect(cost).toBeGreaterThan(limit);
    });
  });
});
