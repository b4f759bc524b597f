import { ERROR_REASONS, ErrorReason } from '@tessera/common';
import { buildSchema, GraphQLEnumType } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repositoryRoot } from './playground/examples';

const root = repositoryRoot();
const MEMBERS = new Set<string>(Object.values(ErrorReason));

/** Every TypeScript file of the application and its libraries, tests left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The text from `open` (a `(` or `{`) to its match, skipping what is inside quotes. */
function balanced(source: string, open: number): string {
  const closing: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let at = open; at < source.length; at++) {
    const character = source[at];
    if (character === "'" || character === '"' || character === '`') {
      at = source.indexOf(character, at + 1);
      if (at < 0) break;
    } else if (character in closing) {
      stack.push(closing[character]);
    } else if (character === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return source.slice(open, at + 1);
    }
  }
  return source.slice(open);
}

/**
 * Where an error is made: the arguments of `new …Error(` (AppErrors, GraphQLError) and every
 * `extensions: { … }` written by hand (a plain JSON answer, a validation rule's error).
 */
const ERROR_MADE = /new \w*Error\(|extensions:\s*\{/g;
/** A reason written out: a string, or a member of an enum. A variable's type is the compiler's to check. */
const REASON = /\breason:\s*(?:(['"`])(?<literal>[^'"`]*)\1|(?<enumName>[A-Z]\w*)\.(?<member>\w+))/g;

interface ReasonFound {
  file: string;
  written: string;
  value: string;
  /** The enum the value is taken from, when it is not a string. */
  enumName?: string;
}

function reasonsOfErrors(files: string[]): ReasonFound[] {
  return files.flatMap((path) => {
    const source = readFileSync(path, 'utf8');
    const file = relative(root, path);
    return [...source.matchAll(ERROR_MADE)].flatMap((made) => {
      const args = balanced(source, made.index + made[0].length - 1);
      return [...args.matchAll(REASON)].map(({ 0: written, groups }) => ({
        file,
        written,
        value: groups!.literal ?? groups!.member,
        enumName: groups!.enumName,
      }));
    });
  });
}

describe('ErrorReason, the one enum of extensions.reason', () => {
  const files = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'libs'))];

  it('is printed in schema.gql, value for value, with the code and description of each', () => {
    const schema = buildSchema(readFileSync(join(root, 'schema.gql'), 'utf8'));
    const printed = schema.getType('ErrorReason');
    expect(printed).toBeInstanceOf(GraphQLEnumType);
    const values = (printed as GraphQLEnumType).getValues();
    expect(values.map((value) => value.name).sort()).toEqual([...MEMBERS].sort());
    for (const value of values) {
      const { code, description } = ERROR_REASONS[value.name as ErrorReason];
      expect(value.description).toBe(`${code}: ${description}`);
    }
  });

  it('holds every reason an error in src/ or libs/ is made with, and nothing else is one', () => {
    const found = reasonsOfErrors(files);
    // The scan reads what it should: the reasons of redeemCode's conflicts, for one.
    expect(found).toContainEqual(expect.objectContaining({ file: 'src/access/redemption.service.ts', value: 'ALREADY_HAS_ACCESS' }));
    expect(found.length).toBeGreaterThan(30);

    const strays = found.filter(({ value, enumName }) => (enumName ? enumName !== 'ErrorReason' : false) || !MEMBERS.has(value));
    expect(strays.map(({ file, written }) => `${file}: ${written}`)).toEqual([]);
  });

  it('holds no reason that nothing in src/ or libs/ answers with', () => {
    const sources = files.filter((path) => !path.endsWith('error-reason.ts')).map((path) => readFileSync(path, 'utf8'));
    const unused = [...MEMBERS].filter((member) => !sources.some((source) => source.includes(`ErrorReason.${member}`)));
    expect(unused).toEqual([]);
  });

  it('is listed in the README, reason for reason, as ERROR_REASONS says it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const begin = readme.indexOf('<!-- error-reasons:begin -->');
    const end = readme.indexOf('<!-- error-reasons:end -->');
    expect(begin).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(begin);
    const listed = readme
      .slice(begin, end)
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
      .slice(1) // the header
      .map(cells);
    const expected = Object.values(ErrorReason).map((reason) => {
      const { code, description } = ERROR_REASONS[reason];
      return [`\`${reason}\``, `\`${code}\``, description];
    });
    if (JSON.stringify(listed) !== JSON.stringify(expected)) {
      const table = [
        '| `extensions.reason` | `extensions.code` | What happened, and what to do |',
        '| --- | --- | --- |',
        ...expected.map((row) => `| ${row.join(' | ')} |`),
      ].join('\n');
      throw new Error(
        `README.md's table of error reasons is out of date. Put this between its markers, then npx prettier --write README.md:\n\n${table}\n`,
      );
    }
  });
});

/** The cells of a Markdown table row, as written (padding aside). */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}
