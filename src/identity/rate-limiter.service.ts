import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '@tessera/common';
import { DataSource } from 'typeorm';

export interface RateLimit {
  key: string;
  max: number;
  windowSeconds: number;
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
