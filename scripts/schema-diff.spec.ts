import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSchemaChanges, describeCheck, unreleasedBreakingList } from './schema-diff.mjs';

const BASE = `
type Query {
  "A code."
  code(id: ID!, status: String): String
  "Codes."
  codes: [String!]!
}
enum Kind { A B }
`;
const WITHOUT_CODES = BASE.replace(/"Codes."\n {2}codes: \[String!\]!\n/, '');
const WITH_COUNT = BASE.replace('type Query {', 'type Query {\n  "How many."\n  count: Int!');

const changelog = (breaking: string, rest = '') => `# Changelog\n\n## Unreleased\n\n### Breaking\n\n${breaking}\n${rest}`;

/** A breaking change to schema.gql must be named in CHANGELOG.md's Unreleased breaking list. */
describe('schema diff', () => {
  it('fails on a removed field that the changelog does not name, and says what to add', async () => {
    const check = await checkSchemaChanges({ baseSdl: BASE, currentSdl: WITHOUT_CODES, changelog: changelog('') });
    expect(check.unlisted.map((change) => change.path)).toEqual(['Query.codes']);
    const report = describeCheck(check, 'HEAD~1');
    expect(report.passed).toBe(false);
    expect(report.lines.join('\n')).toContain(
      "BREAKING     Query.codes: Field 'codes' was removed from object type 'Query' — NOT IN CHANGELOG.md",
    );
    expect(report.lines).toContain('- `Query.codes`: …');
  });

  it('passes once the Unreleased breaking list names its path', async () => {
    const check = await checkSchemaChanges({
      baseSdl: BASE,
      currentSdl: WITHOUT_CODES,
      changelog: changelog('- `Query.codes` is gone: page through `Query.codeConnection` instead.'),
    });
    expect(check.unlisted).toEqual([]);
    expect(describeCheck(check, 'HEAD~1')).toMatchObject({ passed: true });
  });

  it.each([
    ['a field whose name begins the same', changelog('- `Query.code`: changed.')],
    ['a longer path', changelog('- `Query.codes.first`: changed.')],
    ['a path outside a code span', changelog('- Query.codes: removed.')],
    ['another section of Unreleased', changelog('', '### Added\n\n- `Query.codes`\n')],
    ['a released version', `# Changelog\n\n## Unreleased\n\n### Breaking\n\n## 0.1.0\n\n### Breaking\n\n- \`Query.codes\`\n`],
  ])('does not count the path in %s', async (_where, text) => {
    const check = await checkSchemaChanges({ baseSdl: BASE, currentSdl: WITHOUT_CODES, changelog: text });
    expect(check.unlisted.map((change) => change.path)).toEqual(['Query.codes']);
  });

  it('counts a field named in the list as covering its arguments', async () => {
    const currentSdl = BASE.replace('code(id: ID!, status: String)', 'code(id: ID!)');
    const unlisted = await checkSchemaChanges({ baseSdl: BASE, currentSdl, changelog: changelog('') });
    expect(unlisted.unlisted.map((change) => change.path)).toEqual(['Query.code.status']);
    const listed = await checkSchemaChanges({ baseSdl: BASE, currentSdl, changelog: changelog('- `Query.code`: no status.') });
    expect(listed.unlisted).toEqual([]);
  });

  it('prints added fields and dangerous changes without failing', async () => {
    const check = await checkSchemaChanges({
      baseSdl: BASE,
      currentSdl: WITH_COUNT.replace('enum Kind { A B }', 'enum Kind { A B C }'),
      changelog: '',
    });
    const report = describeCheck(check, 'HEAD~1');
    expect(report.passed).toBe(true);
    expect(report.lines).toEqual(
      expect.arrayContaining([
        "  DANGEROUS    Kind.C: Enum value 'C' was added to enum 'Kind'",
        "  NON_BREAKING Query.count: Field 'count' was added to object type 'Query'",
      ]),
    );
  });

  it('reads the breaking list up to the next heading only', () => {
    const text = changelog('- `A.b`', '### Added\n\n- `C.d`\n\n## 0.1.0\n\n- `E.f`\n');
    expect(unreleasedBreakingList(text).trim()).toBe('- `A.b`');
    expect(unreleasedBreakingList('# Changelog\n')).toBe('');
  });

  describe('npm run schema:diff in a checkout', () => {
    let root: string;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    const commit = (files: Record<string, string>) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
      git('add', ...Object.keys(files));
      git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'change');
    };
    const run = (env: Record<string, string> = {}) => {
      const result = spawnSync(process.execPath, [join(__dirname, 'schema-diff.mjs')], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, SCHEMA_BASE: '', ...env },
      });
      return { status: result.status, output: result.stdout + result.stderr };
    };

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'tessera-schema-diff-'));
      git('init', '-q');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('compares with the previous commit: a breaking change fails until CHANGELOG.md names it', () => {
      commit({ 'schema.gql': BASE, 'CHANGELOG.md': changelog('') });
      commit({ 'schema.gql': WITHOUT_CODES });
      expect(run()).toMatchObject({ status: 1, output: expect.stringContaining('1 breaking change(s) are not named in CHANGELOG.md') });
      commit({ 'CHANGELOG.md': changelog('- `Query.codes`: removed.') });
      // HEAD~1 now holds the same schema: nothing to report. SCHEMA_BASE compares with an older one.
      expect(run()).toMatchObject({ status: 0, output: expect.stringContaining('schema.gql has no changes since HEAD~1') });
      expect(run({ SCHEMA_BASE: 'HEAD~2' })).toMatchObject({ status: 0, output: expect.stringContaining('— in CHANGELOG.md') });
    });

    it('passes, saying so, when there is no previous commit or it has no schema.gql; a named base must exist', () => {
      commit({ 'CHANGELOG.md': changelog('') });
      expect(run()).toMatchObject({ status: 0, output: expect.stringContaining('there is no commit HEAD~1') });
      commit({ 'schema.gql': BASE });
      expect(run()).toMatchObject({ status: 0, output: expect.stringMatching(/HEAD~1 \(\w+\) has no schema.gql/) });
      expect(run({ SCHEMA_BASE: 'no-such-branch' })).toMatchObject({ status: 1, output: expect.stringContaining('Check SCHEMA_BASE') });
    });
  });
});
