import { Fixtures, TestApp } from '@tessera/testing';
import { buildClientSchema, buildSchema, getIntrospectionQuery, IntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

describe('platform: health, playground, schema, request limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ env: { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_ALIASES: '3' } });
  });
  afterAll(() => t.close());

  it('answers liveness and readiness with the state of the database and Redis', async () => {
    const live = await fetch(`${t.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { database: 'up', redis: process.env.REDIS_URL ? 'up' : 'not configured' },
    });
  });

  it('serves GraphiQL and all its assets from this server, so it works with no internet', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const response = await fetch(`${t.url}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('gives every response a request id, keeping a well-formed one the client sent', async () => {
    const given = await t.client.request('{ __typename }', undefined, { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await t.client.request('{ __typename }', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves exactly the committed schema.gql (run `npm run schema:print` after changing the API)', async () => {
    const { data } = await t.client.request<IntrospectionQuery>(getIntrospectionQuery());
    const served = printSchema(lexicographicSortSchema(buildClientSchema(data!)));
    const committed = printSchema(lexicographicSortSchema(buildSchema(await readFile(join(__dirname, '..', 'schema.gql'), 'utf8'))));
    expect(committed).toBe(served);
  });

  it('documents every type, field and argument', async () => {
    const { data } = await t.client.request<IntrospectionQuery>(getIntrospectionQuery());
    const missing: string[] = [];
    for (const type of data!.__schema.types) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      // The root types' names say what they are; graphql-js gives them no description in code-first.
      if (!type.description && !['Query', 'Mutation', 'Subscription'].includes(type.name)) missing.push(type.name);
      const fields = 'fields' in type ? (type.fields ?? []) : 'inputFields' in type ? type.inputFields : [];
      for (const field of fields) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each([
    ['too deep a query', '{ me { memberships { organization { id } } } }', { reason: 'QUERY_TOO_DEEP', depth: 4, limit: 3 }],
    [
      'too many aliases',
      '{ a: me { __typename } b: me { __typename } c: me { __typename } d: me { __typename } }',
      { reason: 'TOO_MANY_ALIASES', aliases: 4, limit: 3 },
    ],
    ['a document that does not parse', '{ me { ', { reason: 'INVALID_QUERY' }],
    ['an unknown field', '{ nope }', { reason: 'INVALID_QUERY' }],
    // The value, not the document, is wrong: an input error, without a shape reason.
    ['a wrongly typed variable', 'query($id: UUID!) { organization(id: $id) { id } }', {}],
  ])('refuses %s with BAD_USER_INPUT and its reason, never a 500', async (_, query, shape) => {
    const result = await t.client.request(query, { id: 42 });
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', ...shape });
  });

  it('shows queue depth and failures to platform admins only', async () => {
    const fixtures = new Fixtures(t);
    const root = await fixtures.platformAdmin();
    const { queueStats } = await root.client.ok(`{ queueStats { name mode waiting active delayed failed } }`);
    expect(queueStats.map((q: { name: string }) => q.name).sort()).toEqual(['events', 'inventory', 'mail', 'webhooks']);
    expect(queueStats[0].mode).toBe(process.env.REDIS_URL ? 'bull' : 'inline');
    const { admin } = await fixtures.organization();
    expect((await admin.client.fails(`{ queueStats { name } }`)).code).toBe('FORBIDDEN');
  });

  it('can turn introspection off', async () => {
    const closed = await TestApp.create({ env: { GRAPHQL_INTROSPECTION: 'false' } });
    try {
      const result = await closed.client.request('{ __schema { types { name } } }');
      expect(result.status).toBeLessThan(500);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await closed.close();
    }
  });
});
