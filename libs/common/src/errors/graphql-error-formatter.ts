import { Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode, ServiceUnavailableError } from './app-error';
import { isDatabaseUnavailable } from './database-errors';
import { ErrorReason } from './error-reason';
import { requestShapeRefusal } from './request-shape';

const logger = new Logger('GraphQL');

/**
 * Apollo's own codes for documents and variables that do not fit the schema: the caller's input.
 * All but a variable's value are refusals of the request's shape, answered with their reason.
 */
const CALLER_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface GraphQLErrorFormatOptions {
  /**
   * Leave out graphql-js's "Did you mean …?" (enum values, fields, arguments, types), in
   * validation errors and in variables alike: in production they would hand out the schema that
   * introspection keeps back, one misspelling at a time.
   */
  hideSuggestions?: boolean;
}

/**
 * Maps every error leaving the API onto the design's small code set. A database that cannot be
 * reached is SERVICE_UNAVAILABLE (retryable); other unknown errors are logged and shown as a
 * generic INTERNAL_SERVER_ERROR, without internals: that code means a bug.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: GraphQLErrorFormatOptions = {},
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (isTransactionCollision(original)) {
    return {
      ...base,
      message: 'This collided with a simultaneous change: try again.',
      extensions: { code: ErrorCode.CONFLICT, reason: ErrorReason.CONCURRENT_CHANGE, retryable: true },
    };
  }
  if (isDatabaseUnavailable(original)) {
    // One line per failed operation: an outage is expected to fail many, and is not a bug.
    logger.warn({
      message: 'Database unavailable during a GraphQL operation',
      path: formatted.path,
      error: original instanceof Error ? original.message : String(original),
    });
    const unavailable = new ServiceUnavailableError();
    return { ...base, message: unavailable.message, extensions: { code: unavailable.code, ...unavailable.details } };
  }
  const apolloCode = formatted.extensions?.code;
  const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
  if (typeof apolloCode === 'string' && CALLER_INPUT_CODES.has(apolloCode)) {
    const refusal = requestShapeRefusal(apolloCode, { ...formatted, message });
    if (!refusal) return { ...base, message: shortened(message), extensions: { code: ErrorCode.BAD_USER_INPUT } };
    return {
      ...base,
      message: shortened(refusal.message),
      extensions: { code: ErrorCode.BAD_USER_INPUT, reason: refusal.reason, ...refusal.details },
    };
  }
  if (typeof apolloCode === 'string' && (Object.values(ErrorCode) as string[]).includes(apolloCode)) {
    return { ...base, message, extensions: { code: apolloCode } };
  }
  logger.error({ message: 'Unhandled error in a GraphQL operation', path: formatted.path, error: describe(original) });
  return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * graphql-js's suggestions: " Did you mean "x"?", " Did you mean the enum value "A" or "B"?",
 * ending the message or a clause of a variable's message. GraphQL names hold no "?".
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** Past this length a message is cut in the middle. */
const MESSAGE_MAX = 600;

/**
 * graphql-js quotes the whole value of a variable it cannot coerce ("Variable "$input" got invalid
 * value { text: … }; Field "organizationId" …"): a 1 MB paste would come back whole. The start and
 * the end (where graphql-js says what is wrong) are kept.
 */
function shortened(message: string): string {
  if (message.length <= MESSAGE_MAX) return message;
  const half = MESSAGE_MAX / 2;
  return `${message.slice(0, half)} … (${message.length - MESSAGE_MAX} characters left out) … ${message.slice(-half)}`;
}

/** PostgreSQL's deadlock (40P01) and serialisation failure (40001): the caller may simply retry. */
function isTransactionCollision(error: unknown): boolean {
  const code =
    (error as { driverError?: { code?: string }; code?: string } | null)?.driverError?.code ?? (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
