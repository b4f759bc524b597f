/**
 * What changed in a long operation, as its worker has just written it to the database: the
 * status, the percentage and, for code batches, the codes made so far.
 */
export interface ProgressUpdate {
  status: string;
  progress: number;
  createdCount?: number;
}

/** Called with each update of a topic; must not throw (it runs inside the publisher's call in memory). */
export type ProgressReceiver = (update: ProgressUpdate) => void;

/**
 * Carries progress from the process doing the work to the processes whose subscribers follow it:
 * through Redis pub/sub when there is Redis (a job may run in a worker while its subscriber is on
 * another API process), in memory otherwise (zero-setup mode: one process). Only a hint that
 * something moved: the database holds the truth, and followers read it at the start, at the end
 * and whenever the channel stays quiet.
 */
export abstract class ProgressChannel {
  /** Sends the update to the topic's listeners. Never throws and never waits: a slow or absent Redis costs the work nothing. */
  abstract publish(topic: string, update: ProgressUpdate): void;

  /**
   * Calls `receive` with every update of the topic published from now on. Resolves once the
   * listener is in place (or after a short wait when Redis does not answer), with the function that
   * removes it.
   */
  abstract listen(topic: string, receive: ProgressReceiver): Promise<() => void>;
}

/** Reads an update off the wire; undefined when the message is not one. */
export function parseProgressUpdate(text: string): ProgressUpdate | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, progress, createdCount } = value as Record<string, unknown>;
  if (typeof status !== 'string' || typeof progress !== 'number') return undefined;
  return typeof createdCount === 'number' ? { status, progress, createdCount } : { status, progress };
}
