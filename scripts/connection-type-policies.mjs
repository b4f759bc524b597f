// The Apollo Client cache settings for every connection in schema.gql, as docs/frontend.md shows them:
// `npm run docs:type-policies` rewrites that block, and a unit test fails when it is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSchema, getNamedType, isObjectType } from 'graphql';
import { format, resolveConfig } from 'prettier';

/** The arguments that choose a page rather than a list: the cache merges pages across them. */
const PAGE_ARGUMENTS = new Set(['first', 'after', 'last', 'before']);

export const GUIDE = 'docs/frontend.md';
export const BLOCK_START = '<!-- connection-type-policies: written by `npm run docs:type-policies` from schema.gql -->';
export const BLOCK_END = '<!-- /connection-type-policies -->';

/** A Relay connection: an object type with `edges` and `pageInfo`. */
function isConnection(type) {
  return isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

/**
 * Every field of the schema that returns a connection, by type and then in schema order, with the
 * arguments that pick which list it is (everything but the page arguments): Apollo's keyArgs.
 */
export function connectionFields(sdl) {
  const schema = buildSchema(sdl);
  const types = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
  return types.flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => isConnection(getNamedType(field.type)))
      .map((field) => ({
        type: type.name,
        field: field.name,
        keyArgs: field.args.map((arg) => arg.name).filter((name) => !PAGE_ARGUMENTS.has(name)),
      })),
  );
}

/** The cache set-up for those fields, formatted as the repository's Prettier formats TypeScript. */
export async function typePoliciesSource(sdl, root = process.cwd()) {
  const connections = connectionFields(sdl);
  const types = [...new Set(connections.map((connection) => connection.type))];
  const policies = types.map((type) => {
    const entries = connections
      .filter((connection) => connection.type === type)
      .map(({ field, keyArgs }) => {
        const args = keyArgs.length > 0 ? `[${keyArgs.map((name) => `'${name}'`).join(', ')}]` : '';
        return `${field}: relayStylePagination(${args}),`;
      });
    return `${type}: {\nfields: {\n${entries.join('\n')}\n},\n},`;
  });
  const source = [
    "import { InMemoryCache } from '@apollo/client';",
    "import { relayStylePagination } from '@apollo/client/utilities';",
    '',
    '// Every connection field in schema.gql; keyArgs are its arguments other than first/after/last/before.',
    `export const cache = new InMemoryCache({\ntypePolicies: {\n${policies.join('\n')}\n},\n});`,
  ].join('\n');
  const options = (await resolveConfig(join(root, GUIDE))) ?? {};
  return format(source, { ...options, parser: 'typescript' });
}

/** The guide with its block replaced by `source` (a ```ts fence between the two markers). */
export function withBlock(guide, source) {
  const start = guide.indexOf(BLOCK_START);
  const end = guide.indexOf(BLOCK_END);
  if (start === -1 || end < start) throw new Error(`${GUIDE} has no ${BLOCK_START} … ${BLOCK_END} block`);
  return `${guide.slice(0, start + BLOCK_START.length)}\n\n\`\`\`ts\n${source}\`\`\`\n\n${guide.slice(end)}`;
}

async function main(root = process.cwd()) {
  const sdl = readFileSync(join(root, 'schema.gql'), 'utf8');
  const guidePath = join(root, GUIDE);
  writeFileSync(guidePath, withBlock(readFileSync(guidePath, 'utf8'), await typePoliciesSource(sdl, root)));
  console.log(`${GUIDE}: cache settings for ${connectionFields(sdl).length} connection fields.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
