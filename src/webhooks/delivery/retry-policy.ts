import type { WebhookHttpResult } from './webhook-http';

export interface RetryPolicyOptions {
  /** The wait before the first retry; it doubles with each attempt. */
  retryBaseMs: number;
  /** Retries stop this long after the delivery was created. */
  retryForHours: number;
}

/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** A 2xx answer. */
export function isDelivered(result: WebhookHttpResult): boolean {
  return 'statusCode' in result && result.statusCode >= 200 && result.statusCode < 300;
}

/** Worth another try: no answer (network error, timeout, refused target), a 5xx, 408 or 429. Other answers (3xx, 4xx) will not change. */
export function isRetryable(result: WebhookHttpResult): boolean {
  if (!('statusCode' in result)) return true;
  return result.statusCode >= 500 || result.statusCode === 408 || result.statusCode === 429;
}

/**
 * When to try again after the `attempts`-th failed attempt (base·2^(attempts-1), at most an hour,
 * at least what Retry-After asks within the retry window), or null to give up: not retryable, or
 * the next attempt would fall past createdAt + retryForHours.
 */
export function nextAttemptAt(
  result: WebhookHttpResult,
  attempts: number,
  createdAt: Date,
  now: Date,
  options: RetryPolicyOptions,
): Date | null {
  if (isDelivered(result) || !isRetryable(result)) return null;
  const windowMs = options.retryForHours * 60 * 60 * 1000;
  let delayMs = Math.min(options.retryBaseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  if ('retryAfterSeconds' in result && result.retryAfterSeconds !== null) {
    delayMs = Math.max(delayMs, Math.min(result.retryAfterSeconds * 1000, windowMs));
  }
  const next = new Date(now.getTime() + delayMs);
  return next.getTime() > createdAt.getTime() + windowMs ? null : next;
}
