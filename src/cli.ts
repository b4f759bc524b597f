import { readFile, writeFile } from 'node:fs/promises';
import { cliConfig, withApp } from './cli/app-context';
import { parseOptions, UsageError } from './cli/cli-input';
import { reportFailure } from './cli/cli-output';
import { createAdminCommand } from './cli/create-admin';
import { seedDemo } from './cli/demo-data';
import { exportCommand } from './cli/export-codes';
import { generateCommand } from './cli/generate';
import { importCommand } from './cli/import-codes';
import { printSchema } from './cli/print-schema';
import { uploadPeopleCommand } from './cli/upload-people';
import { runMigrations } from './database/migrate';
import { loadDotEnv, prepareRuntime } from './runtime';

/** Each command's synopsis and what it does, as `help` prints them. */
const COMMAND_USAGE: Record<string, string> = {
  'create-admin': `  create-admin --email <e-mail> --password <password> [--first-name <name>] [--last-name <name>]
      Creates a platform admin, or makes an existing account one (and sets its password).`,
  'seed-demo': `  seed-demo
      Adds the demo organisation, its admin and members (safe to run twice).`,
  generate: `  generate --organization <id or slug> --quantity <n> --width <6-20> [--prefix <p>] [--price <id>]
           [--contract <id>] [--code-type <TYPE>] [--expires-at <date-time>] [--check-character]
      Generates codes with a progress bar (large quantities included).`,
  import: `  import --organization <id or slug> --file <path> [--column <header>] [--price <id>] [--contract <id>]
         [--code-type <TYPE>] [--expires-at <date-time>]
      Imports codes made elsewhere, all or nothing: a text file holds one code per line; a .csv file
      (or any file given --column) has a column of codes, "code" unless --column names another.
      Prints what was imported and every kind of line that was not (exit code 1 if none was).`,
  export: `  export --organization <id or slug> [--out <file>] [--status <S1,S2>] [--batch <id>] [--contract <id>]
         [--price <id>] [--code-type <TYPE>] [--last-sent-to <text>] [--created-after <date-time>]
         [--created-before <date-time>] [--search <text>]
      Writes the codes as CSV (as GET /exports/codes.csv does), to --out or to stdout.`,
  'upload-people': `  upload-people --organization <id or slug> --file <people.csv> --price <id> [--dry-run]
      Gives a seat of the price to everyone in a CSV (First name, Last name, E-mail, optional
      Password), making accounts where needed. A file with problems is refused with every problem
      by row and column, and nothing is written (exit code 1); --dry-run only checks.`,
  migrate: `  migrate [--revert]
      Runs pending database migrations, or reverts the last one.`,
  'print-schema': `  print-schema [--out <file>] [--check <file>]
      Prints the GraphQL schema; --out writes it, --check fails when the file differs.`,
};

const USAGE = `Tessera operator commands (npm run cli -- <command> [options])

${Object.values(COMMAND_USAGE).join('\n')}
  help
      Prints this text.

Without DATABASE_URL the commands use the embedded database under DATA_DIR (stop \`npm start\` first).
Progress goes to stderr, results to stdout. Exit codes: 0 done, 1 failed or bad input, 2 bad command line.`;

/** A usage error shows the command's own usage, or all of it for an unknown command. */
function usageOf(command?: string): string {
  const own = command && COMMAND_USAGE[command];
  return own ? `Usage:\n${own}\n\nEvery command: npm run cli -- help` : USAGE;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  'create-admin': createAdminCommand,
  'seed-demo': async (args) => {
    parseOptions('seed-demo', args, {});
    const signIn = await withApp((app) => seedDemo(app));
    console.log(`Demo data ready: sign in as ${signIn.email} / ${signIn.password}`);
    return 0;
  },
  generate: generateCommand,
  import: importCommand,
  export: exportCommand,
  'upload-people': uploadPeopleCommand,
  migrate: async (args) => {
    const values = parseOptions('migrate', args, { revert: { type: 'boolean', default: false } });
    const runtime = await prepareRuntime(cliConfig({ MIGRATIONS_RUN: 'false' }));
    try {
      const applied = await runMigrations(runtime.databaseUrl, { revert: values.revert });
      console.log(
        values.revert ? 'Reverted the last migration' : applied.length ? `Applied ${applied.length} migration(s)` : 'No pending migrations',
      );
    } finally {
      await runtime.stop();
    }
    return 0;
  },
  'print-schema': async (args) => {
    const values = parseOptions('print-schema', args, { out: { type: 'string' }, check: { type: 'string' } });
    const schema = await printSchema();
    if (values.check) {
      const current = await readFile(values.check, 'utf8').catch(() => '');
      if (current !== schema) {
        console.error(`${values.check} is out of date: run \`npm run schema:print\` and commit it.`);
        return 1;
      }
      console.log(`${values.check} is current`);
    } else if (values.out) {
      await writeFile(values.out, schema);
      console.log(`Wrote ${values.out}`);
    } else {
      process.stdout.write(schema);
    }
    return 0;
  },
};

async function main([command, ...args]: string[]): Promise<number> {
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`Unknown command "${command}".`);
  return run(args);
}

loadDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFailure(error, usageOf)),
);
