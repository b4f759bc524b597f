import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '@tessera/queue';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { GENERATE_BATCH_JOB, INVENTORY_QUEUE } from './code-generation.service';
import { CodeStore } from './code-store';

/** A batch untouched this long, with nobody holding its lock, has lost its job. */
const STUCK_AFTER_MINUTES = 5;
const EVERY_MS = 60_000;

/**
 * Gives lost batches a new job: one whose job failed for good, or whose in-process job died with
 * its process (zero-setup mode). Filling a batch is idempotent, so a spare job does no harm.
 */
@Injectable()
export class StuckBatchReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StuckBatchReaper');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: CodeStore,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.timer = setInterval(
      () => void this.reap().catch((error: unknown) => this.logger.warn(`Reaping failed: ${String(error)}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Re-queues every stuck batch; returns their ids. */
  async reap(olderThanMinutes = STUCK_AFTER_MINUTES): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM code_batch
        WHERE status IN ('PENDING', 'RUNNING', 'FAILED') AND source = 'GENERATED'
          AND created_at < now() - make_interval(mins => $1)
          -- A batch that keeps failing is given up after a day, not retried for ever.
          AND created_at > now() - interval '1 day'`,
      [olderThanMinutes],
    );
    const reaped: string[] = [];
    for (const { id } of rows) {
      if (!(await this.store.isBatchIdle(id))) continue;
      await this.queue.add(INVENTORY_QUEUE, GENERATE_BATCH_JOB, { batchId: id }, { jobId: `generate:${id}:reaped:${Date.now()}` });
      reaped.push(id);
    }
    if (reaped.length) this.logger.warn({ message: 'Re-queued batches that had lost their job', batches: reaped });
    return reaped;
  }
}
