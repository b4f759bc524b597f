import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadUserInputError, FieldError } from './app-error';

/** Rules on the kind of value a field takes: when one fails, its other rules fail with it and add nothing. */
const KIND_RULES = new Set(['isDefined', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isDate', 'isArray', 'isObject', 'isEnum']);
/** Rules on a value's size or range: they matter once its kind and form are right. */
const SIZE_RULES = new Set([
  'min',
  'max',
  'minLength',
  'maxLength',
  'isLength',
  'minDate',
  'maxDate',
  'arrayMinSize',
  'arrayMaxSize',
  'arrayNotEmpty',
  'isAfter',
]);

const precedence = (rule: string) => (KIND_RULES.has(rule) ? 0 : SIZE_RULES.has(rule) ? 2 : 1);

/**
 * The one problem a field reports: its kind, else its form, else its size ("many" seats is "must
 * be an integer", not also "must not be less than 1"). class-validator lists a field's broken rules
 * in the order its decorators were applied, which is not the order they are written in.
 */
function firstProblem(constraints: Record<string, string>): string | undefined {
  const [first] = Object.entries(constraints).sort(([a], [b]) => precedence(a) - precedence(b));
  return first?.[1];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const message = firstProblem(error.constraints ?? {});
    const own = message === undefined ? [] : [{ field, message: plainMessage(error.property, message) }];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * class-validator's default wording, for a rule declared without a message of its own: the field
 * is named beside the message already, and "longer than or equal to 1 characters" reads badly.
 */
export function plainMessage(property: string, message: string): string {
  const own = message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
  if (own === 'must be longer than or equal to 1 characters') return 'must not be empty';
  return own
    .replace(/^must be longer than or equal to (\d+) characters$/, 'must be at least $1 characters long')
    .replace(/^must be shorter than or equal to (\d+) characters$/, 'must be at most $1 characters long');
}

/** Half of a UTF-16 surrogate pair with no other half: JSON can carry it (\ud83d), UTF-8 and jsonb cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What PostgreSQL cannot store in a string, or undefined when it can. */
function unstorable(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds half of an emoji or other character pair)';
  return undefined;
}

/**
 * An object of fields. graphql-js builds an input object written inline in the document
 * (`input: { name: $name }`) without a prototype, so that counts too.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Strings PostgreSQL cannot store, by path. */
function unstorableStrings(value: unknown, path: string, found: FieldError[] = []): FieldError[] {
  if (typeof value === 'string') {
    const message = unstorable(value);
    if (message) found.push({ field: path, message });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableStrings(item, `${path}.${index}`, found));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) unstorableStrings(item, path ? `${path}.${key}` : key, found);
  }
  return found;
}

/** What callers send: HTTP body, query and path, and GraphQL arguments (Nest's GqlParamtype.ARGS = 3). */
const SCANNED_PARAMETERS = new Set<unknown>(['body', 'query', 'param', 3]);

/**
 * class-validator at the edge: every failing field is reported, each with one message, as
 * BAD_USER_INPUT. Strings with a NUL character or half a surrogate pair are refused for every
 * argument, decorated or not.
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unstorableFields = SCANNED_PARAMETERS.has(metadata.type) ? unstorableStrings(value, metadata.data ?? '') : [];
    if (unstorableFields.length > 0) throw new BadUserInputError(unstorableFields);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    transform: true,
    // The GraphQL schema already refuses unknown fields; stripping would drop undecorated ones.
    whitelist: false,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadUserInputError(flatten(errors)),
  });
}
