import { INestApplicationContext, Type } from '@nestjs/common';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadUserInputError, createValidationPipe, isUuid, parseDateTime } from '@tessera/common';
import { Organization } from '../identity/entities/organization.entity';
import { OrganizationsService } from '../identity/organizations.service';

/** A command line that does not parse: the command's usage is printed, and the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show; none for an unknown command. */
    readonly command?: string,
  ) {
    super(message);
  }
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type OptionValues<T extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true }>>['values'];

/** node's parseArgs, strict: an unknown option, a missing value or a stray argument is a UsageError. */
export function parseOptions<T extends OptionsConfig>(command: string, args: string[], options: T): OptionValues<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(`${command}: ${(error as Error).message}`, command);
    throw error;
  }
}

/** The value of an option the command cannot do without. */
export function required<T>(command: string, option: string, value: T | undefined): T {
  if (value === undefined || value === '') throw new UsageError(`${command} needs --${option}.`, command);
  return value;
}

/** An id option, checked as the GraphQL UUID scalar checks it: a malformed id never reaches the database. */
export function idOption(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isUuid(value)) throw BadUserInputError.field(option, 'must be an id such as 01890a5d-ac96-774b-bcce-b302099a8057.');
  return value.toLowerCase();
}

/** A date-time option, read as strictly as the GraphQL DateTime scalar reads one (the input's validation reports a bad one). */
export function dateOption(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : parseDateTime(value);
}

/**
 * The input class a mutation takes, validated by the same pipe as the API's edge: every failing
 * field is a BadUserInputError, as the mutation would answer.
 */
export async function validatedInput<T extends object>(type: Type<T>, fields: Record<string, unknown>): Promise<T> {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return (await createValidationPipe().transform(defined, { type: 'body', metatype: type })) as T;
}

/** The organisation an operator names by id or slug. */
export async function organizationOf(app: INestApplicationContext, idOrSlug: string): Promise<Organization> {
  const organization = await app.get(OrganizationsService).findByIdOrSlug(idOrSlug);
  if (!organization) throw BadUserInputError.field('organization', `no organisation has the id or slug "${idOrSlug}".`);
  return organization;
}

/** The command-line option an input field came from: `priceId` is --price, `codeType` is --code-type. */
export function optionOfField(field: string): string {
  const [name, ...rest] = field.split('.');
  const option = FIELD_OPTIONS[name] ?? name.replace(/Id$/, '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return [`--${option}`, ...rest].join('.');
}

/** Input fields the commands fill from an option of another name. */
const FIELD_OPTIONS: Record<string, string> = { text: 'file' };
