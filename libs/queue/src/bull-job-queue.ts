import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job as BullJob, JobOptions as BullJobOptions, Queue } from 'bull';
import type { Redis } from 'ioredis';
import { Job, JobOptions } from './job';
import { JobHandlerRegistry } from './job-handler.registry';
import { JobQueue, type HeldJobState, type NewJob, type QueueCounts } from './job-queue';
import { QUEUE_OPTIONS, type QueueModuleOptions } from './queue.options';

/** Bull on Redis: jobs survive restarts, and any worker process may run them. */
@Injectable()
export class BullJobQueue extends JobQueue implements OnModuleInit, OnApplicationBootstrap {
  readonly mode = 'bull' as const;
  private readonly logger = new Logger('BullQueue');
  private readonly queues = new Map<string, Queue>();

  constructor(
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly registry: JobHandlerRegistry,
    private readonly moduleRef: ModuleRef,
  ) {
    super();
  }

  onModuleInit(): void {
    // Bull's queue providers are made by factories: they exist by init, not at construction.
    for (const name of this.options.queues) {
      this.queues.set(name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    }
  }

  onApplicationBootstrap(): void {
    if (!this.options.workers) return;
    for (const [name, queue] of this.queues) {
      void this.startWorkers(name, queue);
      queue.on('failed', (job, error) => {
        const final = job.attemptsMade >= (job.opts.attempts ?? 1);
        const log = { queue: name, job: job.name, id: job.id, attempt: job.attemptsMade, error: error.message };
        if (final) this.logger.error({ message: 'Job failed for good (kept for inspection)', ...log });
        else this.logger.warn({ message: 'Job failed, will retry', ...log });
      });
    }
  }

  /**
   * Runs the queue's handlers once its connections are up (closed before that, it runs nothing).
   * Bull's process() sends CLIENT SETNAME on the blocking connection and leaves that promise unheard
   * (OptimalBits/bull#2222): a close that flushes the command (at once, or on a loaded machine whose
   * answer comes after close's 500 ms QUIT timeout) rejects it with "Connection is closed." as an
   * unhandled rejection, which ends a Node process. The name is informational: this queue's own
   * setWorkerName hears the rejection.
   */
  private async startWorkers(name: string, queue: Queue): Promise<void> {
    try {
      await queue.isReady();
      await whenReady((queue as BullInternals).bclient);
    } catch {
      return; // closed (or never connected) before it started: nothing to run
    }
    if (isClosing(queue)) return;
    const internals = queue as BullInternals;
    const setWorkerName = internals.setWorkerName.bind(queue);
    internals.setWorkerName = () => setWorkerName().catch(() => undefined);
    for (const [jobName, handler] of this.registry.handlersOf(name)) {
      const concurrency = this.options.queueConcurrency?.[name] ?? this.options.concurrency;
      // Settles only when the workers stop: a rejection is Bull's start failing, or a close.
      queue
        .process(jobName, concurrency, (job: BullJob) => handler(toJob(name, job)))
        .catch((error: unknown) => {
          if (!isClosing(queue)) this.logger.error({ message: 'Queue workers stopped', queue: name, job: jobName, error: String(error) });
        });
    }
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}): Promise<void> {
    await this.queue(queue).add(name, data, this.bullOptions(options));
  }

  async addMany<T>(queue: string, jobs: NewJob<T>[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(queue).addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: this.bullOptions(job.options) })));
  }

  private bullOptions(options: JobOptions = {}): BullJobOptions {
    return {
      jobId: options.jobId,
      attempts: options.attempts ?? this.options.defaultAttempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? this.options.defaultBackoffMs },
      delay: options.delayMs,
      // Finished jobs are trimmed; failed ones stay for inspection (queue board, CLI).
      removeOnComplete: 1000,
      removeOnFail: false,
    };
  }

  /** One MULTI: the job's hash, and whether it sits in the completed or failed set, read at one instant. */
  async held(queue: string, jobIds: string[]): Promise<Map<string, HeldJobState>> {
    const held = new Map<string, HeldJobState>();
    if (jobIds.length === 0) return held;
    const bull = this.queue(queue);
    await bull.isReady();
    const multi = bull.multi();
    for (const id of jobIds) multi.exists(bull.toKey(id)).zscore(bull.toKey('completed'), id).zscore(bull.toKey('failed'), id);
    const replies = (await multi.exec()) ?? [];
    const failure = replies.find(([error]) => error);
    if (failure || replies.length !== jobIds.length * 3) throw failure?.[0] ?? new Error('Redis dropped the job look-up.');
    jobIds.forEach((id, index) => {
      const [exists, completed, failed] = replies.slice(index * 3, index * 3 + 3).map(([, reply]) => reply);
      if (exists !== 1) return;
      held.set(id, completed !== null ? 'completed' : failed !== null ? 'failed' : 'unfinished');
    });
    return held;
  }

  async ping(): Promise<boolean> {
    const [first] = this.queues.values();
    if (!first) return true;
    try {
      return (await first.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async counts(queue: string): Promise<QueueCounts> {
    const { waiting, active, delayed, failed } = await this.queue(queue).getJobCounts();
    return { waiting, active, delayed, failed };
  }

  async whenIdle(queue: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.queue(queue).getJobCounts();
      if (counts.waiting + counts.active + counts.delayed === 0) return;
      if (Date.now() > deadline) throw new Error(`Queue ${queue} still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Unknown queue "${name}": add it to the queue module's queues.`);
    return queue;
  }
}

/** Resolves when the connection is ready; rejects if it ends first (errors in between are retries). */
function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      client.off('end', ended);
      resolve();
    };
    const ended = () => {
      client.off('ready', ready);
      reject(new Error('The Redis connection ended before it was ready.'));
    };
    client.once('ready', ready);
    client.once('end', ended);
  });
}

/** What Bull has but its types leave out: the blocking connection, `closing` once close() is called, and setWorkerName. */
type BullInternals = Queue & { bclient: Redis; closing?: Promise<void>; setWorkerName(): Promise<unknown> };

function isClosing(queue: Queue): boolean {
  return Boolean((queue as BullInternals).closing);
}

function toJob(queue: string, job: BullJob): Job {
  return {
    id: String(job.id),
    queue,
    name: job.name,
    data: job.data as unknown,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    progress: async (percent) => {
      await job.progress(percent);
    },
  };
}
