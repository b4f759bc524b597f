import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadUserInputError, FieldError } from './app-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Paths of strings holding a NUL character, which PostgreSQL cannot store. */
function nulCharacters(value: unknown, path: string, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulCharacters(item, `${path}.${index}`, found));
  } else if (value && typeof value === 'object' && !(value instanceof Date) && Object.getPrototypeOf(value) !== null) {
    for (const [key, item] of Object.entries(value)) nulCharacters(item, path ? `${path}.${key}` : key, found);
  }
  return found;
}

/** What callers send: HTTP body, query and path, and GraphQL arguments (Nest's GqlParamtype.ARGS = 3). */
const SCANNED_PARAMETERS = new Set<unknown>(['body', 'query', 'param', 3]);

/**
 * class-validator at the edge: every failing field is reported, as BAD_USER_INPUT. Strings with
 * a NUL character are refused for every argument, decorated or not.
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const nul = SCANNED_PARAMETERS.has(metadata.type) ? nulCharacters(value, metadata.data ?? '') : [];
    if (nul.length > 0) throw new BadUserInputError(nul.map((field) => ({ field, message: 'must not contain a NUL character' })));
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
