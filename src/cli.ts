import { Logger } from '@nestjs/common';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { seedDemo } from './cli/demo-data';
import { generateWithProgress } from './cli/generate';
import { OrganizationsService } from './identity/organizations.service';
import { printSchema } from './cli/print-schema';
import { AppError } from '@tessera/common';
import { loadConfig, StartupError } from './config/config';
import { runMigrations } from './database/migrate';
import { UsersService } from './identity/users.service';
import { createAppContext, prepareRuntime, Runtime } from './runtime';

const USAGE = `Tessera operator commands (npm run cli -- <command> [options])

  create-admin --email <e-mail> --password <password> [--first-name <name>] [--last-name <name>]
      Creates a platform admin, or makes an existing account one (and sets its password).
  seed-demo
      Adds the demo organisation, its admin and members (safe to run twice).
  generate --organization <id or slug> --quantity <n> --width <6-20> [--prefix <p>] [--price <id>]
           [--contract <id>] [--code-type <TYPE>] [--check-character]
      Generates codes with a progress bar (large quantities included).
  migrate [--revert]
      Runs pending database migrations, or reverts the last one.
  print-schema [--out <file>] [--check <file>]
      Prints the GraphQL schema; --out writes it, --check fails when the file differs.

Without DATABASE_URL the commands use the embedded database under DATA_DIR (stop \`npm start\` first).`;

async function withApp<T>(fn: (app: Awaited<ReturnType<typeof createAppContext>>, runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await prepareRuntime();
  const app = await createAppContext(runtime, { workers: false });
  try {
    return await fn(app, runtime);
  } finally {
    await app.close();
    await runtime.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const logger = new Logger('cli');
  switch (command) {
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          password: { type: 'string' },
          'first-name': { type: 'string' },
          'last-name': { type: 'string' },
        },
      });
      if (!values.email || !values.password || values.password.length < 10) {
        throw new UsageError('create-admin needs --email and --password (at least 10 characters).');
      }
      const { email, password } = values;
      await withApp(async (app) => {
        const users = app.get(UsersService);
        const { user, created } = await users.findOrCreate({
          email,
          password,
          firstName: values['first-name'] ?? 'Platform',
          lastName: values['last-name'] ?? 'Admin',
          isPlatformAdmin: true,
        });
        if (!created) {
          await users.setPassword(user.id, password);
          await users.setPlatformAdmin(user.id, true);
        }
        logger.log(`${created ? 'Created' : 'Updated'} platform admin ${user.email}`);
      });
      return 0;
    }
    case 'seed-demo': {
      const signIn = await withApp((app) => seedDemo(app));
      logger.log(`Demo data ready: sign in as ${signIn.email} / ${signIn.password}`);
      return 0;
    }
    case 'generate': {
      const { values } = parseArgs({
        args: rest,
        options: {
          organization: { type: 'string' },
          quantity: { type: 'string' },
          width: { type: 'string' },
          prefix: { type: 'string' },
          price: { type: 'string' },
          contract: { type: 'string' },
          'code-type': { type: 'string' },
          'check-character': { type: 'boolean', default: false },
        },
      });
      const quantity = Number(values.quantity);
      const width = Number(values.width);
      if (!values.organization || !Number.isInteger(quantity) || !Number.isInteger(width)) {
        throw new UsageError('generate needs --organization, --quantity and --width (whole numbers).');
      }
      await withApp(async (app) => {
        const organization = await app.get(OrganizationsService).findByIdOrSlug(values.organization!);
        if (!organization) throw new UsageError(`No organisation with the id or slug "${values.organization}".`);
        const batch = await generateWithProgress(app, {
          organizationId: organization.id,
          quantity,
          width,
          prefix: values.prefix,
          priceId: values.price,
          contractId: values.contract,
          codeType: values['code-type'],
          checkCharacter: values['check-character'] ?? false,
        });
        logger.log(`Batch ${batch.id}: ${batch.createdCount.toLocaleString('en')} codes for ${organization.name}`);
      });
      return 0;
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { revert: { type: 'boolean', default: false } } });
      const config = loadConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
      const runtime = await prepareRuntime(config);
      try {
        const applied = await runMigrations(runtime.databaseUrl, { revert: values.revert });
        logger.log(
          values.revert
            ? 'Reverted the last migration'
            : applied.length
              ? `Applied ${applied.length} migration(s)`
              : 'No pending migrations',
        );
      } finally {
        await runtime.stop();
      }
      return 0;
    }
    case 'print-schema': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' }, check: { type: 'string' } } });
      const schema = await printSchema();
      if (values.check) {
        const current = await readFile(values.check, 'utf8').catch(() => '');
        if (current !== schema) {
          logger.error(`${values.check} is out of date: run \`npm run schema:print\` and commit it.`);
          return 1;
        }
        logger.log(`${values.check} is current`);
      } else if (values.out) {
        await writeFile(values.out, schema);
        logger.log(`Wrote ${values.out}`);
      } else {
        process.stdout.write(schema);
      }
      return 0;
    }
    default:
      console.log(USAGE);
      return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StartupError || error instanceof UsageError || error instanceof AppError) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
