/**
 * The one error contract of the API (DESIGN.md, "GraphQL conventions"). Services throw these; the
 * GraphQL formatter and the HTTP filter turn them into `extensions.code` / HTTP statuses.
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

export interface FieldError {
  /** Path of the offending field inside the input, e.g. `email` or `people.2.email`. */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, safe-to-show details merged into `extensions`. */
  readonly details: Record<string, unknown>;

  protected constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = ErrorCode.UNAUTHENTICATED;
  constructor(message = 'Sign in first: send a bearer token or an API key.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = ErrorCode.FORBIDDEN;
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly code = ErrorCode.NOT_FOUND;
  constructor(entity: string, id?: string) {
    super(id ? `${entity} ${id} was not found.` : `${entity} was not found.`, { entity, ...(id ? { id } : {}) });
  }
}

export class ConflictError extends AppError {
  readonly code = ErrorCode.CONFLICT;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}

export class BadUserInputError extends AppError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  readonly fields: FieldError[];

  constructor(fields: FieldError[], message?: string) {
    super(message ?? fields.map((f) => `${f.field}: ${f.message.replace(/\.$/, '')}`).join('; ') + '.', { fields });
    this.fields = fields;
  }

  static field(field: string, message: string): BadUserInputError {
    return new BadUserInputError([{ field, message }]);
  }
}

export class RateLimitedError extends AppError {
  readonly code = ErrorCode.RATE_LIMITED;
  constructor(retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }
}

/** Seconds a client waits before sending again while the database is unreachable: a restart takes a few. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export class ServiceUnavailableError extends AppError {
  readonly code = ErrorCode.SERVICE_UNAVAILABLE;
  constructor(retryAfterSeconds = SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) {
    super(`Tessera cannot reach its database just now; nothing was done. Try again in ${retryAfterSeconds} seconds.`, {
      retryable: true,
      retryAfterSeconds,
    });
  }
}
