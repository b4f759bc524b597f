import { JobOptions } from './job';

/** A job for `addMany`. */
export interface NewJob<T> {
  name: string;
  data: T;
  options?: JobOptions;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Where work is handed to the background: Bull on Redis, or the inline queue in-process. */
export abstract class JobQueue {
  abstract readonly mode: 'bull' | 'inline';

  abstract add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<void>;

  /** Adds several jobs to `queue` at once (one round trip to Redis). */
  abstract addMany<T>(queue: string, jobs: NewJob<T>[]): Promise<void>;

  /** Resolves when Redis answers (always true inline); used by the readiness check. */
  abstract ping(): Promise<boolean>;

  /** How many jobs of `queue` wait, run, wait for a retry, or failed for good. */
  abstract counts(queue: string): Promise<QueueCounts>;

  /** Waits until no job is waiting, delayed or running in `queue` (tests, the CLI). */
  abstract whenIdle(queue: string, timeoutMs?: number): Promise<void>;
}
