import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, OperationDefinitionNode, parse, print, validate } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { EXAMPLE_GROUPS, exampleFiles, examplesDir, loadExamples } from './examples';

/**
 * The operations in examples/ are what frontend teams copy and what the playground offers: each
 * must hold against the committed schema.gql, and its variables file must fit it.
 */
describe('examples/', () => {
  const dir = examplesDir();
  const schema = buildSchema(readFileSync(join(dir, '..', 'schema.gql'), 'utf8'));
  const examples = loadExamples(dir);

  it('lists every example file in the walk order, once, for signing in and each workflow', () => {
    const listed = EXAMPLE_GROUPS.flatMap(({ folder, names }) => names.map((name) => `${folder}/${name}`));
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(exampleFiles(dir).sort());
    expect(EXAMPLE_GROUPS.map((group) => group.folder)).toEqual(['sign-in', 'workflow-a', 'workflow-b', 'workflow-c']);
  });

  it.each(examples.map((example) => [`${example.group}/${example.name}`, example]))(
    '%s is one named, described operation valid against schema.gql, with variables that fit it',
    (_name, example) => {
      const document = parse(example.query);
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      const operations = document.definitions.filter(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations).toHaveLength(1);
      expect(example.description.length).toBeGreaterThan(20);

      const definitions = operations[0].variableDefinitions ?? [];
      const defined = definitions.map((definition) => definition.variable.name.value);
      expect(Object.keys(example.variables).filter((name) => !defined.includes(name))).toEqual([]);
      // A file cannot be written into JSON: the playground (or curl -F) supplies it.
      const uploads = definitions
        .filter((definition) => print(definition.type).replace(/!$/, '') === 'Upload')
        .map((definition) => definition.variable.name.value);
      const files = Object.fromEntries(uploads.map((name) => [name, 'a file']));
      for (const name of uploads) expect(example.variables[name]).toBeNull();
      const coerced = getVariableValues(schema, definitions, { ...example.variables, ...files });
      expect((coerced.errors ?? []).map((error) => error.message)).toEqual([]);
    },
  );
});
