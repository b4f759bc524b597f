import { ErrorCode } from './error-code';
import { ErrorReason, type ErrorReasonOf } from './error-reason';

export { ErrorCode } from './error-code';

/**
 * What an error carries beside its code and message, merged into `extensions`. Its `reason` is one
 * of the schema's ErrorReason values: a string outside the enum does not compile.
 */
export interface ErrorDetails {
  reason?: ErrorReason;
  [detail: string]: unknown;
}

export interface FieldError {
  /** Path of the offending field inside the input, e.g. `email` or `people.2.email`. */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, safe-to-show details merged into `extensions`. */
  readonly details: ErrorDetails;

  protected constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Every UNAUTHENTICATED says why, so a client can tell an expired token (sign in again quietly) from the rest. */
export class UnauthenticatedError extends AppError {
  readonly code = ErrorCode.UNAUTHENTICATED;
  constructor();
  constructor(reason: ErrorReasonOf<ErrorCode.UNAUTHENTICATED>, message: string);
  constructor(
    reason: ErrorReasonOf<ErrorCode.UNAUTHENTICATED> = ErrorReason.SIGN_IN_REQUIRED,
    message = 'Sign in first: send a bearer token or an API key.',
  ) {
    super(message, { reason });
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
  constructor(entity: string, id?: string, reason?: ErrorReasonOf<ErrorCode.NOT_FOUND>) {
    super(id ? `${entity} ${id} was not found.` : `${entity} was not found.`, {
      entity,
      ...(id ? { id } : {}),
      ...(reason ? { reason } : {}),
    });
  }
}

/** Every CONFLICT says which state stood in the way, for the client to branch on. */
export class ConflictError extends AppError {
  readonly code = ErrorCode.CONFLICT;
  constructor(message: string, details: ErrorDetails & { reason: ErrorReasonOf<ErrorCode.CONFLICT> }) {
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
