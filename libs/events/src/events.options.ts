export const EVENTS_OPTIONS = Symbol('tessera:events-options');

export interface EventsModuleOptions {
  /** Whether this process sweeps the outbox (processes that run workers do). */
  sweep: boolean;
  sweepIntervalMs: number;
  /** Events younger than this are left to their own after-commit relay. */
  sweepAfterMs: number;
  /**
   * How long after its relay an event with handlers still pending has its jobs looked for in the
   * queue (and again each such period): one the queue lost is queued again.
   */
  lostJobAfterMs: number;
  sweepBatchSize: number;
  enqueueTimeoutMs: number;
  /** The app's secret, from which the key that seals secrets in events is derived. */
  secretKey: string;
}
