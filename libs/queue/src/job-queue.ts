import { JobOptions } from './job';

/** A job for `addMany`. */
export interface NewJob<T> {
  name: string;
  data: T;
  options?: JobOptions;
}

/** A job the queue still holds: not finished yet (waiting, delayed, running), or finished and kept. */
export type HeldJobState = 'unfinished' | 'completed' | 'failed';

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

  /**
   * Where each of these job ids stands in `queue`. An id missing from the answer is a job the queue
   * does not hold: never added, trimmed after it finished, or lost (Redis restarted empty, the inline
   * queue's process ended). A job moving on while it is looked at reads as 'unfinished'.
   */
  abstract held(queue: string, jobIds: string[]): Promise<Map<string, HeldJobState>>;

  /** Resolves when Redis answers (always true inline); used by the readiness check. */
  abstract ping(): Promise<boolean>;

  /** How many jobs of `queue` wait, run, wait for a retry, or failed for good. */
  abstract counts(queue: string): Promise<QueueCounts>;

  /** Waits until no job is waiting, delayed or running in `queue` (tests, the CLI). */
  abstract whenIdle(queue: string, timeoutMs?: number): Promise<void>;
}
