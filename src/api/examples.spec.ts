import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? graphqlFiles(join(dir, entry.name)) : entry.name.endsWith('.graphql') ? [join(dir, entry.name)] : [],
  );
}

/** The operations in examples/ are what frontend teams copy: each must hold against the committed schema. */
describe('examples/*.graphql', () => {
  const schema = buildSchema(readFileSync(join(ROOT, 'schema.gql'), 'utf8'));
  const files = graphqlFiles(EXAMPLES);

  it('has examples for signing in and each workflow', () => {
    expect(new Set(files.map((file) => relative(EXAMPLES, file).split('/')[0]))).toEqual(
      new Set(['sign-in', 'workflow-a', 'workflow-b', 'workflow-c']),
    );
  });

  it.each(files.map((file) => [relative(EXAMPLES, file), file]))('%s is one named operation valid against schema.gql', (_name, file) => {
    const document = parse(readFileSync(file, 'utf8'));
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
    const operations = document.definitions.filter((definition) => definition.kind === 'OperationDefinition');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toHaveProperty('name.value');
  });
});
