import { isUuid, MAX_PAGE_SIZE } from '@tessera/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArgumentNode,
  getNamedType,
  GraphQLInputType,
  GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  OperationDefinitionNode,
  parse,
  print,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { loadExamples, repositoryRoot } from '../../../src/api/playground/examples';

/** An operation the documentation gives frontend teams to copy. */
export interface DocumentedOperation {
  /** Where it is written: `examples/workflow-a/codes.graphql` or `README.md:182` (the line of its fence). */
  source: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Every operation of examples/ (with its variables file) and every ```graphql block of README.md. */
export function documentedOperations(root = repositoryRoot()): DocumentedOperation[] {
  const examples = loadExamples(join(root, 'examples')).map((example) => ({
    source: `examples/${example.group}/${example.name}.graphql`,
    query: example.query,
    variables: example.variables,
  }));
  const readme = markdownGraphQLBlocks(readFileSync(join(root, 'README.md'), 'utf8')).map(({ line, query }) => ({
    source: `README.md:${line}`,
    query,
    variables: {},
  }));
  return [...examples, ...readme];
}

/** The ```graphql blocks of a Markdown text, indented ones (inside a numbered step) included, with the line of each fence. */
export function markdownGraphQLBlocks(markdown: string): { line: number; query: string }[] {
  const blocks: { line: number; query: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```graphql\s*$/.exec(lines[i]);
    if (!fence) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(fence[1].length));
    blocks.push({ line: i + 1, query: body.join('\n') });
    i = j;
  }
  return blocks;
}

const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

/**
 * The operation at the largest page everywhere: on every field that pages, each page size it
 * names becomes MAX_PAGE_SIZE (a literal rewritten, a variable set), and `first: MAX_PAGE_SIZE` is
 * added where it names none.
 */
export function atLargestPages(schema: GraphQLSchema, operation: DocumentedOperation): DocumentedOperation {
  const typeInfo = new TypeInfo(schema);
  const variables = { ...operation.variables };
  const largest = { kind: Kind.INT, value: String(MAX_PAGE_SIZE) } as const;
  const document = visit(
    parse(operation.query),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (!typeInfo.getFieldDef()?.args.some((arg) => arg.name === 'first')) return undefined;
        const given = node.arguments ?? [];
        const sizes = given.filter((argument) => PAGE_SIZE_ARGUMENTS.includes(argument.name.value));
        if (sizes.length === 0) {
          const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: largest };
          return { ...node, arguments: [...given, first] };
        }
        for (const { value } of sizes) if (value.kind === Kind.VARIABLE) variables[value.name.value] = MAX_PAGE_SIZE;
        const largestLiterals = given.map((argument) =>
          sizes.includes(argument) && argument.value.kind !== Kind.VARIABLE ? { ...argument, value: largest } : argument,
        );
        return { ...node, arguments: largestLiterals };
      },
    }),
  );
  return { ...operation, query: print(document), variables };
}

/**
 * The operation with `id` wherever it leaves an id to fill in ("ORG", "<organisation>", a missing
 * required variable): what an id-typed literal or variable holds when it is not an id.
 */
export function withIdsFilledIn(schema: GraphQLSchema, operation: DocumentedOperation, id: string): DocumentedOperation {
  const typeInfo = new TypeInfo(schema);
  const parsed = parse(operation.query);
  const document = visit(
    parsed,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        const type = typeInfo.getInputType();
        return type && getNamedType(type).name === 'UUID' && !isUuid(node.value) ? { ...node, value: id } : undefined;
      },
    }),
  );
  const variables = { ...operation.variables };
  const definitions = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )?.variableDefinitions;
  for (const definition of definitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const name = definition.variable.name.value;
    if (type) variables[name] = idsFilledIn(type, variables[name], id);
  }
  return { ...operation, query: print(document), variables };
}

function idsFilledIn(type: GraphQLInputType, value: unknown, id: string): unknown {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (value === undefined || value === null) return isNonNullType(type) && getNamedType(type).name === 'UUID' ? id : value;
  if (isListType(nullable)) return Array.isArray(value) ? value.map((item) => idsFilledIn(nullable.ofType, item, id)) : value;
  if (isInputObjectType(nullable) && typeof value === 'object') {
    const fields = nullable.getFields();
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, fields[key] ? idsFilledIn(fields[key].type, inner, id) : inner]),
    );
  }
  return getNamedType(nullable).name === 'UUID' && typeof value === 'string' && !isUuid(value) ? id : value;
}
