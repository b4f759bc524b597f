import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './app-error';
import { ERROR_REASONS, ErrorReason, type ErrorReasonOf } from './error-reason';

/** The reasons of BAD_USER_INPUT: each a refusal of the request's shape. */
export type RequestShapeReason = ErrorReasonOf<ErrorCode.BAD_USER_INPUT>;

/**
 * Refusals of a request's shape rather than of its values: BAD_USER_INPUT like an input error,
 * told apart by `extensions.reason` (a client shows an input error beside its field, and fixes a
 * shape refusal in its code). They are the reasons of BAD_USER_INPUT in ERROR_REASONS.
 */
export const REQUEST_SHAPE_REASONS: ReadonlySet<string> = new Set(
  Object.values(ErrorReason).filter((reason) => ERROR_REASONS[reason].code === ErrorCode.BAD_USER_INPUT),
);

/** What a shape refusal may carry beside its reason: what was counted, and the limit. */
export interface RequestShapeDetails {
  cost?: number;
  depth?: number;
  aliases?: number;
  limit?: number;
}

const DETAIL_KEYS = ['cost', 'depth', 'aliases', 'limit'] as const satisfies readonly (keyof RequestShapeDetails)[];

export interface RequestShapeRefusal {
  reason: RequestShapeReason;
  message: string;
  details: RequestShapeDetails;
}

/**
 * A shape refusal raised by one of our validation rules or plugins. HTTP 400, as Apollo answers the
 * validation failures it finds itself (Apollo takes `http` out of the extensions).
 */
export function requestShapeError(reason: RequestShapeReason, message: string, details: RequestShapeDetails = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, reason, ...details, http: { status: 400 } } });
}

/**
 * graphql-js's parser stopping at the token limit (`parseOptions.maxTokens`): a limit, not a
 * syntax error. graphql 16 words it "more that", a later one may not.
 */
const TOKEN_LIMIT = /Document contains more (?:than|that) (\d+) tokens/;
/** Apollo's csrfPrevention refusal (a BAD_REQUEST). */
const CSRF = /Cross-Site Request Forgery/;

/**
 * The shape refusal an error from Apollo or graphql-js stands for, given Apollo's code (one of the
 * caller-input codes): ours keep their reason; a document that does not parse or fit the schema,
 * or a request without a usable operation, is INVALID_QUERY. Undefined for an input error (a
 * variable's value that does not fit its type).
 */
export function requestShapeRefusal(apolloCode: string, formatted: GraphQLFormattedError): RequestShapeRefusal | undefined {
  const { message, extensions = {} } = formatted;
  const reason = extensions.reason;
  if (typeof reason === 'string' && REQUEST_SHAPE_REASONS.has(reason)) {
    const details = Object.fromEntries(
      DETAIL_KEYS.filter((key) => typeof extensions[key] === 'number').map((key) => [key, extensions[key]]),
    );
    return { reason: reason as RequestShapeReason, message, details };
  }
  switch (apolloCode) {
    case 'GRAPHQL_PARSE_FAILED': {
      const tokens = TOKEN_LIMIT.exec(message);
      if (!tokens) return { reason: ErrorReason.INVALID_QUERY, message, details: {} };
      const limit = Number(tokens[1]);
      return {
        reason: ErrorReason.TOO_MANY_TOKENS,
        message: `The document has more than ${limit} tokens, the limit: send a shorter one.`,
        details: { limit },
      };
    }
    case 'BAD_REQUEST':
      return CSRF.test(message)
        ? { reason: ErrorReason.CSRF_REFUSED, message: message.trim(), details: {} }
        : { reason: ErrorReason.INVALID_QUERY, message, details: {} };
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'OPERATION_RESOLUTION_FAILURE':
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'PERSISTED_QUERY_NOT_SUPPORTED':
      return { reason: ErrorReason.INVALID_QUERY, message, details: {} };
    default:
      return undefined;
  }
}
