import { CliRun, eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { readCsv } from '@tessera/common';
import { Readable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Organization } from '../src/identity/entities/organization.entity';

const fixture = (name: string) => join(__dirname, 'fixtures', 'cli', name);

/** The number a summary shows beside a label ("  imported    4"). */
function figure(run: CliRun, label: string): number {
  const line = run.stdout.split('\n').find((candidate) => candidate.trimStart().startsWith(`${label}  `));
  if (!line) throw new Error(`No "${label}" in the summary:\n${run.stdout}\n${run.stderr}`);
  return Number(
    line
      .slice(line.indexOf(label) + label.length)
      .trim()
      .replace(/,/g, ''),
  );
}

/** A finished run, with its output in the message when the exit code is not the one expected. */
function expectExit(run: CliRun, code: number): void {
  if (run.code !== code) throw new Error(`exit code ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

describe('the operator CLI (the built dist/src/cli.js as a child process)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let workDir: string;
  const codesOf = async (): Promise<string[]> =>
    (await t.dataSource.query(`SELECT code FROM code WHERE organization_id = $1 ORDER BY code`, [organization.id])).map(
      (row: { code: string }) => row.code,
    );

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://lms.example.test' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Operator Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'First aid' }));
    workDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('import', () => {
    it('imports a text file, one code per line, and counts every line it leaves out', async () => {
      const run = await t.runCli(['import', '--organization', organization.slug, '--file', fixture('codes.txt'), '--code-type', 'MENTEE']);
      expectExit(run, 0);
      expect(run.stdout).toContain(`Imported 4 codes into Operator Org`);
      expect([
        figure(run, 'imported'),
        figure(run, 'duplicates in the file'),
        figure(run, 'already stored'),
        figure(run, 'malformed'),
      ]).toEqual([4, 2, 0, 2]);
      expect(run.stdout).toContain('duplicate, line 4 ("cli-txt-0001"): Repeats line 1.');
      expect(run.stdout).toContain('malformed, line 5 ("ab"): Not a code');
      expect(run.stdout).toContain('malformed, line 8 ("CLI_TXT_0005")');
      expect(run.stderr).toContain('Read 9 lines of');
      expect(await codesOf()).toEqual(['CLITXT0001', 'CLITXT0002', 'CLITXT0003', 'CLITXT0004']);
      const [{ types }] = await t.dataSource.query(`SELECT array_agg(DISTINCT code_type) AS types FROM code WHERE organization_id = $1`, [
        organization.id,
      ]);
      expect(types).toEqual(['MENTEE']);
    });

    it('imports a spreadsheet’s column (byte-order mark, CRLF, quoted cells), by spreadsheet row', async () => {
      const run = await t.runCli(['import', '--organization', organization.id, '--file', fixture('codes.csv')]);
      expectExit(run, 0);
      expect([
        figure(run, 'imported'),
        figure(run, 'duplicates in the file'),
        figure(run, 'already stored'),
        figure(run, 'malformed'),
      ]).toEqual([3, 1, 1, 1]);
      expect(run.stdout).toContain('already stored, row 3 ("CLI-TXT-0001"): Already in your inventory.');
      expect(run.stdout).toContain('duplicate, row 5 ("CLI-CSV-0001"): Repeats line 2.');
      expect(await codesOf()).toEqual(['CLICSV0001', 'CLICSV0002', 'CLICSV0003', 'CLITXT0001', 'CLITXT0002', 'CLITXT0003', 'CLITXT0004']);
    });

    it('exits 1 when nothing could be imported, and stores nothing', async () => {
      const run = await t.runCli(['import', '--organization', organization.id, '--file', fixture('codes.csv')]);
      expectExit(run, 1);
      expect(run.stdout).toContain('Nothing imported into Operator Org');
      expect(figure(run, 'already stored')).toBe(4);
      expect(await codesOf()).toHaveLength(7);
    });

    it.each([
      ['a malformed id', ['--price', 'abc'], '--price: must be an id'],
      [
        'a price that does not exist',
        ['--price', '01890a5d-ac96-774b-bcce-b302099a8057'],
        'Price 01890a5d-ac96-774b-bcce-b302099a8057 was not found.',
      ],
      [
        'a past expiry and a bad code type',
        ['--expires-at', '2020-01-01T00:00:00Z', '--code-type', 'lower'],
        '--code-type: must be upper-case',
      ],
      ['an unknown organisation', ['--organization', 'nobody-here'], '--organization: no organisation has the id or slug "nobody-here".'],
      ['a file that is not there', ['--file', 'missing.txt'], '--file: missing.txt cannot be read (ENOENT).'],
      ['a column the file lacks', ['--column', 'Voucher', '--file', fixture('codes.csv')], '--column: The file has no column "Voucher"'],
    ])('answers %s with the field’s message, exit code 1, no stack trace', async (_case, options, message) => {
      const defaults = { '--organization': organization.id, '--file': fixture('codes.txt') };
      const given = new Set(options.filter((_, i) => i % 2 === 0));
      const args = [...Object.entries(defaults).flatMap(([option, value]) => (given.has(option) ? [] : [option, value])), ...options];
      const run = await t.runCli(['import', ...args]);
      expectExit(run, 1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(await codesOf()).toHaveLength(7);
    });
  });

  describe('export', () => {
    it('writes the CSV the HTTP export route sends, formula cells neutralised, and says how much', async () => {
      // Cells a spreadsheet would run as formulas, as an admin or a recipient might have typed them.
      await t.dataSource.query(
        `UPDATE code SET admin_comment = '=HYPERLINK("http://evil.test","click")', last_sent_to_name = '+Evil, "quoted"'
          WHERE organization_id = $1 AND code = 'CLICSV0001'`,
        [organization.id],
      );
      const out = join(workDir, 'codes.csv');
      const run = await t.runCli(['export', '--organization', organization.slug, '--out', out]);
      expectExit(run, 0);
      const written = readFileSync(out);
      expect([figure(run, 'rows'), figure(run, 'bytes')]).toEqual([7, written.length]);
      expect(run.stdout).toContain(`file   ${out}`);
      expect(run.stderr).toContain('Exporting 100% 7/7');

      const download = await fetch(`${t.url}/exports/codes.csv?organizationId=${organization.id}`, {
        headers: { authorization: `Bearer ${admin.token}` },
      });
      expect(download.status).toBe(200);
      expect(written.equals(Buffer.from(await download.arrayBuffer()))).toBe(true);

      const { headers, rows } = await readCsv(Readable.from(written), { field: 'file', maxBytes: 1e6, maxRows: 1e3 });
      expect(headers.slice(0, 3)).toEqual(['code', 'status', 'code_type']);
      expect(rows.map((row) => row.values.code).sort()).toEqual(await codesOf());
      const risky = rows.find((row) => row.values.code === 'CLICSV0001')!.values;
      expect(risky.admin_comment).toBe(`'=HYPERLINK("http://evil.test","click")`);
      expect(risky.last_sent_to_name).toBe(`'+Evil, "quoted"`);
    });

    it('writes to stdout without --out, with the filters of the route; progress and summary on stderr', async () => {
      const run = await t.runCli(['export', '--organization', organization.id, '--code-type', 'MENTEE', '--status', 'AVAILABLE,VOID']);
      expectExit(run, 0);
      const { rows } = await readCsv(Readable.from(Buffer.from(run.stdout)), { field: 'file', maxBytes: 1e6, maxRows: 1e3 });
      expect(rows.map((row) => row.values.code).sort()).toEqual(['CLITXT0001', 'CLITXT0002', 'CLITXT0003', 'CLITXT0004']);
      expect(run.stderr).toContain('file   (stdout)');
    });

    it('refuses a filter the route would refuse', async () => {
      const run = await t.runCli(['export', '--organization', organization.id, '--status', 'SOLD', '--created-after', '2026-02-30']);
      expectExit(run, 1);
      expect(run.stderr).toContain('--status: each value in status must be one of the following values');
      expect(run.stderr).toContain('--created-after: must be a date');
      expect(run.stdout).toBe('');
    });

    it('refuses an --out it cannot write', async () => {
      const out = join(workDir, 'no-such-folder', 'codes.csv');
      const run = await t.runCli(['export', '--organization', organization.id, '--out', out]);
      expectExit(run, 1);
      expect(run.stderr).toContain(`--out: ${out} cannot be written (ENOENT).`);
    });
  });

  describe('upload-people', () => {
    const seatsFree = async (): Promise<number> =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM code WHERE price_id = $1 AND status = 'AVAILABLE'`, [priceId]))[0].n;
    const accounts = async (emails: string[]): Promise<string[]> =>
      (await t.dataSource.query(`SELECT email FROM user_account WHERE email = ANY($1) ORDER BY email`, [emails])).map(
        (row: { email: string }) => row.email,
      );

    beforeAll(async () => {
      const fixtures = new Fixtures(t);
      await fixtures.codes(organization, { quantity: 10, priceId, prefix: 'SEAT' });
      await fixtures.person({ email: 'existing.cli@example.test', firstName: 'Eve', lastName: 'Existing' });
    });

    it('prints every problem of a broken file by row and column, exits 1 and writes nothing', async () => {
      const run = await t.runCli([
        'upload-people',
        '--organization',
        organization.id,
        '--file',
        fixture('people-broken.csv'),
        '--price',
        priceId,
      ]);
      expectExit(run, 1);
      expect(run.stdout).toContain('3 problems; nothing was written.');
      expect(run.stdout).toContain('row 3, First name: Is empty: a new account needs the name.');
      expect(run.stdout).toContain('row 4, E-mail ("not-an-address"): Is not an e-mail address.');
      expect(run.stdout).toContain('row 5, Password ("(hidden)"): Must be 10 to 1024 characters long');
      expect(await accounts(['ola.bad@example.test', 'nobody.cli@example.test', 'short.cli@example.test'])).toEqual([]);
      expect(await seatsFree()).toBe(10);
    });

    it('checks only with --dry-run', async () => {
      const run = await t.runCli([
        'upload-people',
        '--organization',
        organization.id,
        '--file',
        fixture('people.csv'),
        '--price',
        priceId,
        '--dry-run',
      ]);
      expectExit(run, 0);
      expect([figure(run, 'people'), figure(run, 'accounts to create'), figure(run, 'existing accounts')]).toEqual([3, 2, 1]);
      expect(await accounts(['ola.cli@example.test', 'kai.cli@example.test'])).toEqual([]);
      expect(await seatsFree()).toBe(10);
    });

    it('gives everyone a seat, making accounts and mailing set-password links, with a summary', async () => {
      const run = await t.runCli([
        'upload-people',
        '--organization',
        organization.slug,
        '--file',
        fixture('people.csv'),
        '--price',
        priceId,
      ]);
      expectExit(run, 0);
      expect(run.stdout).toContain('Gave 3 seats of Standard (STD) in Operator Org');
      // Eve has an account but is no member: she is invited to join (her seat held), never attached.
      expect([
        figure(run, 'accounts created'),
        figure(run, 'existing members given seats'),
        figure(run, 'existing accounts invited to join'),
        figure(run, 'set-password links mailed'),
        figure(run, 'seats left'),
      ]).toEqual([2, 0, 1, 1, 7]);
      expect(run.stderr).toContain('Giving seats 100% 3/3');

      expect(await accounts(['ola.cli@example.test', 'kai.cli@example.test'])).toEqual(['kai.cli@example.test', 'ola.cli@example.test']);
      const grants = await t.dataSource.query(
        `SELECT u.email FROM access_grant g JOIN user_account u ON u.id = g.user_id JOIN code c ON c.id = g.code_id
          WHERE c.price_id = $1 ORDER BY u.email`,
        [priceId],
      );
      expect(grants.map((row: { email: string }) => row.email)).toEqual(['kai.cli@example.test', 'ola.cli@example.test']);
      await eventually(() => expect(smtp.mailsTo('existing.cli@example.test')).toHaveLength(1), { timeoutMs: 15_000 });
      expect(smtp.mailsTo('existing.cli@example.test')[0].subject).toBe('Operator Org invites you to join');
      await eventually(() => expect(smtp.mailsTo('ola.cli@example.test')).toHaveLength(1), { timeoutMs: 15_000 });
      expect(smtp.mailsTo('ola.cli@example.test')[0].subject).toBe('Your account at Operator Org');
      expect(smtp.mailsTo('ola.cli@example.test')[0].text).toContain('https://lms.example.test/');
      // Kai's password came in the file: the platform also asks him to confirm the address (and choose his own).
      await eventually(() => expect(smtp.mailsTo('kai.cli@example.test')).toHaveLength(2), { timeoutMs: 15_000 });
      expect(
        smtp
          .mailsTo('kai.cli@example.test')
          .map((mail) => mail.subject)
          .sort(),
      ).toEqual(['Confirm your e-mail address', 'You are registered for First aid']);
    });

    it('carries out a file too large for the API to do inline here, in one go, with progress lines', async () => {
      await new Fixtures(t).codes(organization, { quantity: 250, priceId, prefix: 'MANY' });
      const file = join(workDir, 'many.csv');
      const rows = Array.from({ length: 250 }, (_, i) => `Many,${i},many${i}@bulk.test`);
      writeFileSync(file, `First name,Last name,E-mail\r\n${rows.join('\r\n')}\r\n`);
      const run = await t.runCli(['upload-people', '--organization', organization.id, '--file', file, '--price', priceId]);
      expectExit(run, 0);
      expect([figure(run, 'accounts created'), figure(run, 'set-password links mailed'), figure(run, 'seats left')]).toEqual([250, 250, 7]);
      // Without a terminal, a line every 10 %: readable in a log.
      expect(run.stderr.match(/^Giving seats \d+% /gm)).toHaveLength(11);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM user_account WHERE email LIKE 'many%@bulk.test'`);
      expect(n).toBe(250);
      const [{ status }] = await t.dataSource.query(`SELECT status FROM people_import ORDER BY created_at DESC LIMIT 1`);
      expect(status).toBe('COMPLETED');
    }, 60_000);
  });

  describe('the command line', () => {
    it('prints every command with `help`', async () => {
      const run = await t.runCli(['help']);
      expectExit(run, 0);
      for (const command of ['create-admin', 'seed-demo', 'generate', 'import', 'export', 'upload-people', 'migrate', 'print-schema']) {
        expect(run.stdout).toContain(`\n  ${command}`);
      }
    });

    it.each([
      ['an unknown option', ['import', '--organization', 'x', '--file', 'y', '--frobnicate'], "import: Unknown option '--frobnicate'"],
      ['a missing option', ['export'], 'export needs --organization.'],
      ['an option without its value', ['upload-people', '--organization'], "Option '--organization <value>' argument missing"],
      ['a stray argument', ['export', '--organization', 'x', 'extra'], "Unexpected argument 'extra'"],
      ['an unknown command', ['frobnicate'], 'Unknown command "frobnicate".'],
    ])('answers %s with the usage and exit code 2', async (_case, args, message) => {
      const run = await t.runCli(args);
      expectExit(run, 2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain(args[0] === 'frobnicate' ? 'Tessera operator commands' : `Usage:\n  ${args[0]} `);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });
  });
});
