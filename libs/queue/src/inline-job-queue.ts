import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Job, JobOptions } from './job';
import { JobHandlerRegistry } from './job-handler.registry';
import { JobQueue, type HeldJobState, type NewJob, type QueueCounts } from './job-queue';
import { QUEUE_OPTIONS, type QueueModuleOptions } from './queue.options';

const REMEMBERED_JOB_IDS = 10_000;

/**
 * Runs the same handlers as Bull, in this process, after the caller's tick (as Laravel's `sync`
 * and Rails' `inline` drivers do), with the same retries and exponential backoff. For the
 * zero-setup mode: one process, nothing to install.
 */
@Injectable()
export class InlineJobQueue extends JobQueue implements BeforeApplicationShutdown {
  readonly mode = 'inline' as const;
  private readonly logger = new Logger('InlineQueue');
  private readonly pending = new Map<string, Set<Promise<void>>>();
  /** Jobs added with an id, and where each stands: a second add with a remembered id is ignored. */
  private readonly byJobId = new Map<string, HeldJobState>();
  private sequence = 0;
  private closed = false;
  private readonly failed = new Map<string, number>();
  private readonly sleepers = new Set<() => void>();

  constructor(
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly registry: JobHandlerRegistry,
  ) {
    super();
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}): Promise<void> {
    if (this.closed) throw new Error('The inline queue is shut down.');
    const id = options.jobId ?? `inline-${++this.sequence}`;
    if (options.jobId) {
      if (this.byJobId.has(id)) return;
      this.remember(id, 'unfinished');
    }
    const attempts = options.attempts ?? this.options.defaultAttempts;
    const job: Job<T> = { id, queue, name, data, attemptsMade: 0, attempts, progress: async () => undefined };
    this.track(queue, this.run(job, options));
  }

  async addMany<T>(queue: string, jobs: NewJob<T>[]): Promise<void> {
    for (const job of jobs) await this.add(queue, job.name, job.data, job.options);
  }

  /** What this process remembers: a job added by a process that has ended is not held. */
  async held(_queue: string, jobIds: string[]): Promise<Map<string, HeldJobState>> {
    const held = new Map<string, HeldJobState>();
    for (const id of jobIds) {
      const state = this.byJobId.get(id);
      if (state) held.set(id, state);
    }
    return held;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  /** In-process jobs are not told apart by state: all that are not finished count as active. */
  async counts(queue: string): Promise<QueueCounts> {
    return { waiting: 0, active: this.pending.get(queue)?.size ?? 0, delayed: 0, failed: this.failed.get(queue) ?? 0 };
  }

  async whenIdle(queue: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let running = this.pending.get(queue); running?.size; running = this.pending.get(queue)) {
      if (Date.now() > deadline) throw new Error(`Queue ${queue} still busy after ${timeoutMs} ms.`);
      await Promise.race([Promise.allSettled([...running]), sleep(50)]);
    }
  }

  /** Before the database closes: running jobs finish, waiting retries are dropped. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const wake of this.sleepers) wake();
    await Promise.allSettled([...this.pending.values()].flatMap((set) => [...set]));
  }

  private async run(job: Job, options: JobOptions): Promise<void> {
    const { attempts } = job;
    const backoffMs = options.backoffMs ?? this.options.defaultBackoffMs;
    await this.sleep(options.delayMs ?? 0);
    for (;;) {
      if (this.closed) return;
      const handler = this.registry.get(job.queue, job.name);
      try {
        if (!handler) throw new Error(`No handler for job "${job.name}" of queue "${job.queue}".`);
        await handler(job);
        this.settle(job.id, 'completed');
        return;
      } catch (error) {
        job.attemptsMade += 1;
        const message = error instanceof Error ? error.message : String(error);
        if (job.attemptsMade >= attempts || this.closed) {
          this.failed.set(job.queue, (this.failed.get(job.queue) ?? 0) + 1);
          this.settle(job.id, 'failed');
          this.logger.error({
            message: 'Job failed for good',
            queue: job.queue,
            job: job.name,
            id: job.id,
            attempts: job.attemptsMade,
            error: message,
          });
          return;
        }
        this.logger.warn({
          message: 'Job failed, will retry',
          queue: job.queue,
          job: job.name,
          id: job.id,
          attempt: job.attemptsMade,
          error: message,
        });
        await this.sleep(backoffMs * 2 ** (job.attemptsMade - 1));
      }
    }
  }

  /** A wait that shutdown can cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private track(queue: string, promise: Promise<void>): void {
    const set = this.pending.get(queue) ?? new Set<Promise<void>>();
    this.pending.set(queue, set);
    set.add(promise);
    void promise.finally(() => set.delete(promise));
  }

  /** Forgets the oldest finished job past the limit; an unfinished one stays held, or it could be added twice. */
  private remember(id: string, state: HeldJobState): void {
    this.byJobId.set(id, state);
    let excess = this.byJobId.size - REMEMBERED_JOB_IDS;
    if (excess <= 0) return;
    for (const [oldest, oldestState] of this.byJobId) {
      if (oldestState === 'unfinished') continue;
      this.byJobId.delete(oldest);
      if (--excess === 0) return;
    }
  }

  /** Records how a job with a given id ended, if its id is still remembered. */
  private settle(id: string, state: HeldJobState): void {
    if (this.byJobId.has(id)) this.byJobId.set(id, state);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
