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
    for (const limit of limits) await this.consume(limit, 1);
  }

  /** Returns one attempt to each limit (the attempt succeeded and should not count). */
  async giveBack(limits: RateLimit[]): Promise<void> {
    await this.dataSource.query(`UPDATE rate_limit_bucket SET attempts = greatest(attempts - 1, 0) WHERE key = ANY($1::text[])`, [
      limits.map((limit) => limit.key),
    ]);
  }

  /** Counts `amount` attempts at once; RATE_LIMITED when that goes past the limit (they stay counted). */
  async consume(limit: RateLimit, amount: number): Promise<void> {
    const { attempts, retryAfter } = await this.add(limit, amount);
    if (attempts > limit.max) throw new RateLimitedError(Math.max(retryAfter, 1));
  }

  private async add(limit: RateLimit, amount: number): Promise<{ attempts: number; retryAfter: number }> {
    const [row] = await this.dataSource.query<{ attempts: number; retry_after: number }[]>(
      `INSERT INTO rate_limit_bucket AS b (key, window_started_at, attempts) VALUES ($1, now(), $3)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN b.window_started_at > now() - make_interval(secs => $2) THEN b.attempts + $3 ELSE $3 END,
         window_started_at = CASE WHEN b.window_started_at > now() - make_interval(secs => $2) THEN b.window_started_at ELSE now() END
       RETURNING attempts, ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now()))::int AS retry_after`,
      [limit.key, limit.windowSeconds, amount],
    );
    return { attempts: row.attempts, retryAfter: row.retry_after };
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
