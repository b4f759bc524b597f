/**
 * The one error contract of the API (DESIGN.md, "GraphQL conventions"): every error's
 * `extensions.code`. Its own file so that ErrorReason can name the code of each reason.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /**
   * Tessera cannot answer for now (its database is unreachable, restarting or out of connections):
   * nothing was done, and the same request may be sent again (`retryable`, after
   * `retryAfterSeconds`). Plain HTTP routes answer 503 with Retry-After. Not a bug: that is
   * INTERNAL_SERVER_ERROR.
   */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}
