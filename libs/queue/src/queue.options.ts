export const QUEUE_OPTIONS = Symbol('tessera:queue-options');

export interface QueueModuleOptions {
  /** Bull on this Redis; without it jobs run in-process on the inline queue. */
  redisUrl?: string;
  /** Key prefix in Redis, so several deployments or test files can share one server. */
  prefix: string;
  /** Whether this process runs job handlers (WORKERS=off makes an enqueue-only API process). */
  workers: boolean;
  /** Queue names this app uses. */
  queues: string[];
  defaultAttempts: number;
  defaultBackoffMs: number;
  /** Handlers run at once per queue and process. */
  concurrency: number;
  /** Bull's job lock and stalled-job check (ms): a dead worker's jobs run again after about lock + check. */
  lockMs?: number;
  stalledCheckMs?: number;
  /** Other limits for some queues (Bull only; the inline queue runs jobs as they come). */
  queueConcurrency?: Record<string, number>;
}
