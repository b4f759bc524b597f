import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kind, parse } from 'graphql';

/**
 * The folders of examples/ with the playground's headings, and their operations in the order a
 * newcomer walks them (the README's walkthroughs follow the same order).
 */
export const EXAMPLE_GROUPS: ReadonlyArray<{ folder: string; title: string; names: readonly string[] }> = [
  { folder: 'sign-in', title: 'Sign in', names: ['login', 'me', 'products'] },
  {
    folder: 'workflow-a',
    title: 'Workflow A: inventory and sending',
    names: [
      'generate-codes',
      'generation-progress',
      'codes',
      'code-recipients',
      'send-code',
      'redeem-code',
      'registrations',
      'extend-access',
      'revoke-access',
    ],
  },
  {
    folder: 'workflow-b',
    title: 'Workflow B: seats bought in bulk',
    names: [
      'record-order',
      'orders',
      'assign-seats',
      'invite-by-email',
      'invitation',
      'accept-invitation',
      'invitations',
      'upload-seat-assignments',
      'complete-people-import',
    ],
  },
  {
    folder: 'workflow-c',
    title: 'Workflow C: contract invitation codes',
    names: [
      'create-contract',
      'create-participant',
      'generate-participant-code',
      'participants',
      'upload-participant-codes',
      'complete-participant-import',
      'registration-code',
      'register-with-code',
    ],
  },
];

/** One ready-made operation: examples/<group>/<name>.graphql and its <name>.variables.json. */
export interface ExampleOperation {
  group: string;
  groupTitle: string;
  /** The file name without .graphql, e.g. `send-code`. */
  name: string;
  operationName: string;
  /** The file's leading comment: what the operation is for and where its inputs come from. */
  description: string;
  query: string;
  /** Values to start from; a string in angle brackets says what to paste there. */
  variables: Record<string, unknown>;
}

/**
 * The checkout's root, from the sources (tests) or from dist/ (the running API): examples/ and the
 * playground's browser files are read from there as they are, not compiled.
 */
export function repositoryRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'examples')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No examples/ folder above ${from}`);
  }
}

export const examplesDir = (): string => join(repositoryRoot(), 'examples');

export function loadExamples(dir = examplesDir()): ExampleOperation[] {
  return EXAMPLE_GROUPS.flatMap(({ folder, title, names }) => names.map((name) => readExample(join(dir, folder), folder, title, name)));
}

/** Every .graphql file under examples/, as `<folder>/<name>`: each must be in EXAMPLE_GROUPS. */
export function exampleFiles(dir = examplesDir()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(dir, entry.name))
        .filter((file) => file.endsWith('.graphql'))
        .map((file) => `${entry.name}/${file.slice(0, -'.graphql'.length)}`),
    );
}

function readExample(folder: string, group: string, groupTitle: string, name: string): ExampleOperation {
  const query = readFileSync(join(folder, `${name}.graphql`), 'utf8');
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation?.name) throw new Error(`examples/${group}/${name}.graphql has no named operation`);
  const variablesFile = join(folder, `${name}.variables.json`);
  const variables = existsSync(variablesFile) ? (JSON.parse(readFileSync(variablesFile, 'utf8')) as Record<string, unknown>) : {};
  return {
    group,
    groupTitle,
    name,
    operationName: operation.name.value,
    description: leadingComment(query),
    query,
    variables,
  };
}

function leadingComment(source: string): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('#')) break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ');
}
