import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '@tessera/common';
import { DataSource } from 'typeorm';

export interface RateLimit {
  key: string;
  max: number;
  windowSeconds: number;
}

/** What `spendGuesses` did to one limit. */
export interface GuessSpending {
  key: string;
  /** New guesses counted (0 for repeats, and for every limit when the attempt was refused). */
  charged: number;
  /** Guesses counted in the window now. */
  attempts: number;
  /** This limit had no room for the new guesses (so none was counted anywhere). */
  over: boolean;
  retryAfter: number;
}

/**
 * Counts failed attempts per key in fixed windows, in PostgreSQL, so every API process shares the
 * counts. Deliberately outside the caller's transaction: a failed attempt stays counted.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Counts one attempt against each limit before the attempt is made, atomically, so parallel
   * requests cannot all slip under the limit; RATE_LIMITED when one is used up. A successful
   * attempt may `giveBack` what it took.
   */
  async take(limits: RateLimit[]): Promise<void> {
    const counted = await this.add(limits, 1);
    const exceeded = counted.filter((row, index) => row.attempts > limits[index].max);
    if (exceeded.length) throw new RateLimitedError(Math.max(...exceeded.map((row) => row.retryAfter), 1));
  }

  /** Returns one attempt to each limit (the attempt succeeded and should not count). */
  async giveBack(limits: RateLimit[]): Promise<void> {
    await this.dataSource.query(`UPDATE rate_limit_bucket SET attempts = greatest(attempts - 1, 0) WHERE key = ANY($1::text[])`, [
      limits.map((limit) => limit.key),
    ]);
  }

  /** Counts `amount` attempts at once; RATE_LIMITED when that goes past the limit (they stay counted). */
  async consume(limit: RateLimit, amount: number): Promise<void> {
    const [{ attempts, retryAfter }] = await this.add([limit], amount);
    if (attempts > limit.max) throw new RateLimitedError(Math.max(retryAfter, 1));
  }

  /** Counts `amount` at once when it fits in the window; otherwise counts nothing and is RATE_LIMITED. */
  async consumeIfFits(limit: RateLimit, amount: number): Promise<void> {
    const [{ attempts, retryAfter }] = await this.add([limit], amount);
    if (attempts <= limit.max) return;
    await this.dataSource.query('UPDATE rate_limit_bucket SET attempts = greatest(attempts - $2, 0) WHERE key = $1', [limit.key, amount]);
    throw new RateLimitedError(Math.max(retryAfter, 1));
  }

  /**
   * Charges distinct guesses (digests) to every limit at once, or to none: a guess its window has
   * charged already costs nothing again, and when one limit has no room for the new ones nothing
   * is counted anywhere (a refused attempt adds nothing). One statement, rows locked in key order.
   */
  async spendGuesses(limits: RateLimit[], guesses: string[]): Promise<GuessSpending[]> {
    const rows = await this.dataSource.query<{ key: string; charged: number; attempts: number; over: boolean; retry_after: number }[]>(
      'SELECT key, charged, attempts, over, retry_after FROM spend_guesses($1::text[], $2::int[], $3::int[], $4::text[])',
      [limits.map((limit) => limit.key), limits.map((limit) => limit.max), limits.map((limit) => limit.windowSeconds), guesses],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return limits.map((limit) => {
      const row = byKey.get(limit.key)!;
      return { key: limit.key, charged: row.charged, attempts: row.attempts, over: row.over, retryAfter: row.retry_after };
    });
  }

  /** Takes back a guess these keys were charged (it proved to be a real code), if they still hold it. */
  async refundGuess(keys: string[], guess: string): Promise<void> {
    // Rows locked in key order, as spend_guesses locks them: two callers never wait on each other crosswise.
    await this.dataSource.query(
      `WITH locked AS (SELECT key FROM rate_limit_bucket WHERE key = ANY($1::text[]) AND $2 = ANY(guesses) ORDER BY key FOR UPDATE)
       UPDATE rate_limit_bucket b SET attempts = greatest(b.attempts - 1, 0), guesses = array_remove(b.guesses, $2)
         FROM locked WHERE b.key = locked.key AND $2 = ANY(b.guesses)`,
      [keys, guess],
    );
  }

  /** Uses up what is left of these limits' windows (an answer that told more than one guess's worth). */
  async exhaust(limits: RateLimit[]): Promise<void> {
    await this.dataSource.query(
      `WITH locked AS (SELECT key FROM rate_limit_bucket WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE)
       UPDATE rate_limit_bucket b SET attempts = greatest(b.attempts, l.max)
         FROM locked, unnest($1::text[], $2::int[]) AS l(key, max) WHERE b.key = locked.key AND b.key = l.key`,
      [limits.map((limit) => limit.key), limits.map((limit) => limit.max)],
    );
  }

  /** The seconds until the first of these limits that is used up has room again, or null when none is. */
  async usedUp(limits: RateLimit[]): Promise<number | null> {
    const [row] = await this.dataSource.query<{ retry_after: number | null }[]>(
      `SELECT max(ceil(extract(epoch FROM b.window_started_at + make_interval(secs => l.window_seconds) - now())))::int AS retry_after
         FROM unnest($1::text[], $2::int[], $3::int[]) AS l(key, max, window_seconds)
         JOIN rate_limit_bucket b ON b.key = l.key
        WHERE b.attempts >= l.max AND b.window_started_at > now() - make_interval(secs => l.window_seconds)`,
      [limits.map((limit) => limit.key), limits.map((limit) => limit.max), limits.map((limit) => limit.windowSeconds)],
    );
    return row.retry_after === null ? null : Math.max(row.retry_after, 1);
  }

  /** True for the first call per key and window (once-per-window work, e.g. an alert). */
  async firstInWindow(key: string, windowSeconds: number): Promise<boolean> {
    const [{ attempts }] = await this.add([{ key, max: 1, windowSeconds }], 1);
    return attempts === 1;
  }

  /**
   * Adds `amount` to each limit's window (a new window when the last one is over), in one statement;
   * the counts in the order given. Each row keeps its window's end for the sweep (rate-limit-sweep.ts).
   */
  private async add(limits: RateLimit[], amount: number): Promise<{ attempts: number; retryAfter: number }[]> {
    const rows = await this.dataSource.query<{ key: string; attempts: number; retry_after: number }[]>(
      `WITH limits AS (SELECT key, make_interval(secs => window_seconds) AS length FROM unnest($1::text[], $2::int[]) AS l(key, window_seconds))
       INSERT INTO rate_limit_bucket AS b (key, window_started_at, attempts, expires_at)
       SELECT key, now(), $3, now() + length FROM limits ORDER BY key
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN b.window_started_at > now() - (SELECT length FROM limits WHERE limits.key = b.key) THEN b.attempts + $3 ELSE $3 END,
         window_started_at = CASE WHEN b.window_started_at > now() - (SELECT length FROM limits WHERE limits.key = b.key) THEN b.window_started_at ELSE now() END,
         expires_at = CASE WHEN b.window_started_at > now() - (SELECT length FROM limits WHERE limits.key = b.key) THEN b.window_started_at ELSE now() END
           + (SELECT length FROM limits WHERE limits.key = b.key)
       RETURNING key, attempts,
         ceil(extract(epoch FROM window_started_at + (SELECT length FROM limits WHERE limits.key = b.key) - now()))::int AS retry_after`,
      [limits.map((limit) => limit.key), limits.map((limit) => limit.windowSeconds), amount],
    );
    const byKey = new Map(rows.map((row) => [row.key, { attempts: row.attempts, retryAfter: row.retry_after }]));
    return limits.map((limit) => byKey.get(limit.key)!);
  }

  /** The keys starting with `prefix` that are locked out now (their window is open and its attempts used up). */
  async lockedOut(
    prefix: string,
    windowSeconds: number,
    maxOf: (key: string) => number,
  ): Promise<{ key: string; attempts: number; retryAfterSeconds: number }[]> {
    const rows = await this.dataSource.query<{ key: string; attempts: number; retry_after: number }[]>(
      `SELECT key, attempts, ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now()))::int AS retry_after
         FROM rate_limit_bucket WHERE starts_with(key, $1) AND window_started_at > now() - make_interval(secs => $2) ORDER BY window_started_at`,
      [prefix, windowSeconds],
    );
    return rows
      .filter((row) => row.attempts >= maxOf(row.key))
      .map((row) => ({ key: row.key, attempts: row.attempts, retryAfterSeconds: Math.max(row.retry_after, 1) }));
  }

  async reset(keys: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_bucket WHERE key = ANY($1::text[])', [keys]);
  }
}
