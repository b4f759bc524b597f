import { isDelivered, isRetryable, MAX_RETRY_DELAY_MS, nextAttemptAt } from './retry-policy';
import type { WebhookHttpResult } from './webhook-http';

const status = (statusCode: number, retryAfterSeconds: number | null = null): WebhookHttpResult => ({
  statusCode,
  durationMs: 5,
  responseExcerpt: '',
  retryAfterSeconds,
});
const networkError: WebhookHttpResult = { error: 'Connection refused', durationMs: 5 };
const policy = { retryBaseMs: 30_000, retryForHours: 25 };
const createdAt = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(createdAt.getTime() + ms);

describe('retry policy', () => {
  it.each([
    [status(200), true, false],
    [status(204), true, false],
    [status(301), false, false],
    [status(302), false, false],
    [status(400), false, false],
    [status(401), false, false],
    [status(404), false, false],
    [status(410), false, false],
    [status(408), false, true],
    [status(429), false, true],
    [status(500), false, true],
    [status(503), false, true],
    [networkError, false, true],
    [{ error: 'Timed out after 10000 ms', durationMs: 10000 }, false, true],
    [{ error: 'Refused: x is a loopback, private, link-local or other internal address', durationMs: 1 }, false, true],
  ])('%p: delivered %p, retryable %p', (result, delivered, retryable) => {
    expect(isDelivered(result)).toBe(delivered);
    expect(isRetryable(result)).toBe(retryable);
  });

  it('doubles the wait from the base with each attempt', () => {
    expect(nextAttemptAt(status(500), 1, createdAt, createdAt, policy)).toEqual(at(30_000));
    expect(nextAttemptAt(status(500), 2, createdAt, createdAt, policy)).toEqual(at(60_000));
    expect(nextAttemptAt(networkError, 3, createdAt, createdAt, policy)).toEqual(at(120_000));
    expect(nextAttemptAt(networkError, 7, createdAt, createdAt, policy)).toEqual(at(30_000 * 64));
  });

  it('waits at most an hour between attempts', () => {
    expect(nextAttemptAt(status(503), 8, createdAt, createdAt, policy)).toEqual(at(MAX_RETRY_DELAY_MS)); // 30 s·128 > 1 h
    expect(nextAttemptAt(status(503), 60, createdAt, at(3_600_000), policy)).toEqual(at(2 * MAX_RETRY_DELAY_MS));
  });

  it('waits at least what Retry-After asks, within the retry window', () => {
    expect(nextAttemptAt(status(429, 600), 1, createdAt, createdAt, policy)).toEqual(at(600_000));
    expect(nextAttemptAt(status(503, 5), 3, createdAt, createdAt, policy)).toEqual(at(120_000)); // shorter than the backoff
    expect(nextAttemptAt(status(503, 2 * 3600), 1, createdAt, createdAt, policy)).toEqual(at(2 * 3_600_000)); // beyond the hour cap
    expect(nextAttemptAt(status(503, 30 * 3600), 1, createdAt, createdAt, policy)).toEqual(at(25 * 3_600_000)); // capped at the window: one last try at its end
    expect(nextAttemptAt(status(503, 30 * 3600), 1, createdAt, at(1), policy)).toBeNull();
  });

  it('gives up when the next attempt would fall past the window', () => {
    const windowMs = 25 * 3_600_000;
    expect(nextAttemptAt(status(500), 30, createdAt, at(windowMs - MAX_RETRY_DELAY_MS), policy)).toEqual(at(windowMs));
    expect(nextAttemptAt(status(500), 30, createdAt, at(windowMs - MAX_RETRY_DELAY_MS + 1), policy)).toBeNull();
  });

  it('retries for the whole window: a day of attempts ends after about 25 hours', () => {
    let now = createdAt;
    let attempts = 0;
    for (let next: Date | null = createdAt; next; next = nextAttemptAt(status(500), attempts, createdAt, now, policy)) {
      now = next;
      attempts++;
    }
    expect(attempts).toBeGreaterThan(24);
    expect(now.getTime() - createdAt.getTime()).toBeGreaterThan(24 * 3_600_000);
    expect(now.getTime() - createdAt.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it('never retries a delivered or final answer', () => {
    expect(nextAttemptAt(status(200), 1, createdAt, createdAt, policy)).toBeNull();
    expect(nextAttemptAt(status(400), 1, createdAt, createdAt, policy)).toBeNull();
    expect(nextAttemptAt(status(302), 1, createdAt, createdAt, policy)).toBeNull();
  });
});
