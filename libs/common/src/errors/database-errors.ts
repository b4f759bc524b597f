import { QueryFailedError } from 'typeorm';

/** Whether a database error is a unique violation of this index or constraint (a race the database settled). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : {}) as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}

/** Socket errors of a connection to the database that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * PostgreSQL's SQLSTATEs for "not now": class 08 (connection exception), 57P01 admin shutdown
 * ("terminating connection due to administrator command"), 57P02 crash shutdown, 57P03 cannot
 * connect now ("the database system is starting up / shutting down"), 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;

/** What node-postgres and its pool say, without a code, when a connection dies or cannot be had. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^the database system is (starting up|shutting down|in recovery mode)$/,
];

/**
 * Whether an error means the database cannot be reached for now (refused, dropped, restarting,
 * out of connections) rather than that a statement was wrong. TypeORM passes pool errors through
 * bare and wraps query errors (QueryFailedError.driverError); Node gives an AggregateError when
 * every address of a host refused; a cause chain is followed too.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (driverError && isDatabaseUnavailable(driverError, depth + 1)) return true;
  if (cause && isDatabaseUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
