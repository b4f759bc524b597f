import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, ErrorCode, ServiceUnavailableError } from './app-error';
import { isDatabaseUnavailable } from './database-errors';

/** The HTTP status of each error code (plain routes and the web pages answer with it). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

const logger = new Logger('HTTP');

/**
 * The AppError an error stands for: itself, or SERVICE_UNAVAILABLE for a database that cannot be
 * reached just now. Anything else is not the API's to explain (a bug: Nest answers 500).
 */
export function asAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    logger.warn({ message: 'Database unavailable during an HTTP request', error: error instanceof Error ? error.message : String(error) });
    return new ServiceUnavailableError();
  }
  return undefined;
}

/** Sends an AppError as plain HTTP: its status, Retry-After when it has one, `{ code, message, ... }`. */
export function sendAppError(response: Response, error: AppError): void {
  const retryAfter = error.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
  // A download that failed before its first byte is not a file.
  response.removeHeader('content-disposition');
  response.type('application/json');
  response.status(HTTP_STATUS[error.code]).json({ code: error.code, message: error.message, ...error.details });
}

/**
 * Plain HTTP routes (health, CSV downloads) answer AppErrors, and a database outage, with the
 * matching status and the same `{ code, message, ... }` body. In GraphQL the error is handed back
 * to Apollo's formatter. Anything else is returned unanswered, for Nest's own handling (a 500, or
 * an HttpException's status).
 */
@Catch()
export class AppErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return error instanceof AppError ? error : undefined;
    const appError = asAppError(error);
    const response = host.switchToHttp().getResponse<Response>();
    if (!appError || response.headersSent) return error instanceof Error ? error : new Error(String(error));
    sendAppError(response, appError);
    return undefined;
  }
}
