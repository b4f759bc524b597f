import { ArgumentsHost, Catch, ExceptionFilter, Type } from '@nestjs/common';
import {
  AppError,
  asAppError,
  BadUserInputError,
  createValidationPipe,
  ErrorCode,
  HTTP_STATUS,
  RateLimitedError,
  UnauthenticatedError,
  type FieldError,
} from '@tessera/common';
import type { Request, Response } from 'express';
import { mailDate } from '../notifications/mail-data';
import { type FieldErrors, pages, STYLE_HASH } from './page-templates';

/**
 * No scripts, no images, no fonts, nothing from elsewhere: only the pages' own stylesheet, and
 * forms that post back here. Replaces the API-wide policy (which allows GraphiQL's script).
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sends a page. Never stored by a browser or proxy: the pages carry tokens and people's access. */
export function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
    })
    .send(html);
}

/**
 * The named fields of a posted form, as text. A blank field counts as not given, and anything
 * but one string (a repeated field, `a[b]=…`) as not given either, so validation names it.
 */
export function formFields<Name extends string>(req: Request, names: readonly Name[]): Partial<Record<Name, string>> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fields: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value.trim() !== '') fields[name] = value;
  }
  return fields;
}

/** A query string parameter given once, or undefined. */
export function queryParameter(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const validation = createValidationPipe();

/**
 * The API's own input class and validation for a form: what the GraphQL mutation would refuse,
 * the page refuses the same way. A field left empty fails every rule it has; it is just empty.
 */
export async function validatedForm<Input extends object>(type: Type<Input>, fields: Record<string, string | undefined>): Promise<Input> {
  try {
    return (await validation.transform(fields, { type: 'body', metatype: type })) as Input;
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    const empty = new Set(error.fields.filter(({ field }) => fields[field] === undefined).map(({ field }) => field));
    if (!empty.size) throw error;
    const filled = error.fields.filter(({ field }) => !empty.has(field));
    throw new BadUserInputError([...[...empty].map((field) => ({ field, message: 'must be filled in' })), ...filled]);
  }
}

/** What a form page shows of a problem: marks beside fields, or one problem above the form. */
export interface FormState {
  errors: FieldErrors;
  problem?: string;
}

/**
 * Marks beside the fields a form shows (the first message of each). Problems with fields the form
 * does not show become the page's problem.
 */
export function fieldErrors(fields: readonly FieldError[], shown: readonly string[]): FormState {
  const errors: FieldErrors = {};
  const others: string[] = [];
  for (const { field, message } of fields) {
    if (!shown.includes(field)) others.push(`${field}: ${message}`);
    else errors[field] ??= message;
  }
  return { errors, problem: others.length ? others.join('; ') : undefined };
}

/**
 * A form with a new password has a second field to repeat it; the API has no such field, the
 * page checks it. Forms without the field (a scripted post) are not held to it.
 */
export function passwordMismatch(req: Request): FieldError[] {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return 'confirmPassword' in body && body.confirmPassword !== body.password
    ? [{ field: 'confirmPassword', message: 'does not match the password above' }]
    : [];
}

/**
 * Answers a service's error with the form again: invalid fields marked (400), a wrong password
 * (401) or too many attempts (429) said above the form or beside `wrongPasswordField`. Other
 * errors are not the form's to show: they go on to the page error filter.
 */
export async function showFormProblem(
  res: Response,
  error: unknown,
  options: { shown: readonly string[]; extra?: FieldError[]; wrongPasswordField?: string },
  render: (state: FormState) => string | Promise<string>,
): Promise<void> {
  let state: FormState;
  if (error instanceof BadUserInputError) {
    state = fieldErrors([...error.fields, ...(options.extra ?? [])], options.shown);
  } else if (error instanceof UnauthenticatedError) {
    state = options.wrongPasswordField
      ? { errors: { [options.wrongPasswordField]: error.message } }
      : { errors: {}, problem: error.message };
  } else if (error instanceof RateLimitedError) {
    res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
    state = { errors: {}, problem: error.message };
  } else {
    throw error;
  }
  sendPage(res, HTTP_STATUS[error.code], await render(state));
}

/** Dates as the mails write them (2026-12-31), so a page and its mail agree. */
export const pageDate = mailDate;

const TITLES: Record<ErrorCode, string> = {
  [ErrorCode.UNAUTHENTICATED]: 'Not signed in',
  [ErrorCode.FORBIDDEN]: 'Not allowed',
  [ErrorCode.NOT_FOUND]: 'Link not valid',
  [ErrorCode.BAD_USER_INPUT]: 'Something is missing',
  [ErrorCode.CONFLICT]: 'This cannot be done now',
  [ErrorCode.RATE_LIMITED]: 'Too many attempts',
  [ErrorCode.SERVICE_UNAVAILABLE]: 'Try again in a moment',
};

/** A link with its token cut off (a mail program broke the line, say). */
export function sendIncompleteLink(res: Response): void {
  const notice = {
    problem: 'This link is not complete: its token is missing.',
    advice: 'Open the link from the e-mail again, or copy the whole address into the browser.',
  };
  sendPage(res, HTTP_STATUS[ErrorCode.BAD_USER_INPUT], pages.notice('Link not complete', notice));
}

/** A page that only explains: the API's message under a title that says what kind of problem it is. */
export function sendNotice(res: Response, error: AppError, link?: { href: string; text: string }): void {
  const retryAfter = error.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  sendPage(res, HTTP_STATUS[error.code], pages.notice(TITLES[error.code], { problem: error.message, link }));
}

/**
 * What the pages' controllers do not answer themselves (a rate limit, a dead link, the database
 * out of reach: 503 with Retry-After) becomes a page, not JSON. Anything else goes back to Nest.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): Error | undefined {
    const appError = asAppError(error);
    const res = host.switchToHttp().getResponse<Response>();
    if (!appError || res.headersSent) return error instanceof Error ? error : new Error(String(error));
    sendNotice(res, appError);
    return undefined;
  }
}
