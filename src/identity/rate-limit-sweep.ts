import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { SignInClients } from './sign-in-clients';

/** Rows one statement deletes: a large backlog goes in several short statements, not one long lock. */
const BATCH = 5000;

/**
 * In processes that run jobs: every minute, deletes rate-limit rows whose window is over (they
 * count nothing any more: the next attempt starts a new window) and sign-in addresses older than
 * `auth.login.knownClientDays`, so neither table grows with the attempts made against it.
 */
@Injectable()
export class RateLimitSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimitSweep');
  private task?: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly signInClients: SignInClients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(60_000, async () => {
      try {
        const swept = await this.sweep();
        if (swept.buckets || swept.signInClients) this.logger.debug({ message: 'Swept expired rate-limit rows', ...swept });
      } catch (error) {
        this.logger.warn({ message: 'Rate-limit sweep failed; next round retries', error: String(error) });
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One round: deletes every expired row, in batches; how many of each it deleted. */
  async sweep(): Promise<{ buckets: number; signInClients: number }> {
    let deleted: number;
    let buckets = 0;
    do buckets += deleted = await this.deleteExpiredBuckets();
    while (deleted === BATCH);
    let signInClients = 0;
    do signInClients += deleted = await this.signInClients.forgetStale(BATCH);
    while (deleted === BATCH);
    return { buckets, signInClients };
  }

  /** A row whose window an attempt has just renewed is left alone (its expires_at moved on). */
  private async deleteExpiredBuckets(): Promise<number> {
    const [{ deleted }] = await this.dataSource.query<{ deleted: number }[]>(
      `WITH expired AS (
         SELECT key FROM rate_limit_bucket WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM rate_limit_bucket b USING expired WHERE b.key = expired.key AND b.expires_at <= now() RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`,
      [BATCH],
    );
    return deleted;
  }
}
