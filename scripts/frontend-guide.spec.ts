import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, isObjectType } from 'graphql';
import { BLOCK_END, BLOCK_START, GUIDE, connectionFields, typePoliciesSource, withBlock } from './connection-type-policies.mjs';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** docs/frontend.md shows what CI runs and what schema.gql holds, so it cannot drift from either. */
describe('the frontend guide', () => {
  const guide = read(GUIDE);
  const schemaSdl = read('schema.gql');

  it('shows codegen.ts, the configuration CI runs, verbatim', () => {
    expect(guide).toContain('```ts\n' + read('codegen.ts') + '```\n');
  });

  it('has the cache settings for the connections of the current schema.gql (npm run docs:type-policies)', async () => {
    expect(withBlock(guide, await typePoliciesSource(schemaSdl, ROOT))).toBe(guide);
    const block = guide.slice(guide.indexOf(BLOCK_START), guide.indexOf(BLOCK_END));
    for (const { field } of connectionFields(schemaSdl)) expect(block).toMatch(new RegExp(`^ +${field}: relayStylePagination\\(`, 'm'));
  });

  it('lists every field of schema.gql that returns a …Connection', () => {
    const schema = buildSchema(schemaSdl);
    const byName = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) =>
        Object.values(type.getFields())
          .filter((field) => getNamedType(field.type).name.endsWith('Connection'))
          .map((field) => `${type.name}.${field.name}`),
      );
    expect(byName.length).toBeGreaterThan(10);
    expect(
      connectionFields(schemaSdl)
        .map(({ type, field }) => `${type}.${field}`)
        .sort(),
    ).toEqual(byName.sort());
  });
});

describe('connectionFields', () => {
  const sdl = `
    type PageInfo { hasNextPage: Boolean! endCursor: String }
    type ThingEdge { cursor: String! node: Thing! }
    type ThingConnection { edges: [ThingEdge!]! pageInfo: PageInfo! totalCount: Int! }
    input ThingFilter { status: [String!] }
    type Thing { id: ID! parts(first: Int, after: String, last: Int, before: String): ThingConnection! }
    type Query {
      things(organizationId: ID!, first: Int, after: String, filter: ThingFilter, orderBy: String, last: Int, before: String): ThingConnection!
      thing(id: ID!): Thing
      names(organizationId: ID!): [String!]!
    }
  `;

  it('finds connections on Query and on objects, keyed by every argument that is not a page argument', () => {
    expect(connectionFields(sdl)).toEqual([
      { type: 'Query', field: 'things', keyArgs: ['organizationId', 'filter', 'orderBy'] },
      { type: 'Thing', field: 'parts', keyArgs: [] },
    ]);
  });

  it('writes relayStylePagination() without keyArgs for a list only pages choose', async () => {
    const source = await typePoliciesSource(sdl, ROOT);
    expect(source).toContain("things: relayStylePagination(['organizationId', 'filter', 'orderBy']),");
    expect(source).toContain('parts: relayStylePagination(),');
  });
});
