export const EVENTS_OPTIONS = Symbol('tessera:events-options');

export interface EventsModuleOptions {
  /** Whether this process sweeps the outbox (processes that run workers do). */
  sweep: boolean;
  sweepIntervalMs: number;
  /** Events younger than this are left to their own after-commit relay. */
  sweepAfterMs: number;
  sweepBatchSize: number;
  enqueueTimeoutMs: number;
  /** The app's secret, from which the key that seals secrets in events is derived. */
  secretKey: string;
}
