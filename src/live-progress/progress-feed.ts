import type { ProgressChannel, ProgressUpdate } from './progress-channel';

/** The fields of a long operation's record that its progress moves. */
export interface Tracked {
  status: string;
  progress: number;
  createdCount?: number;
}

export interface FollowOptions<T extends Tracked> {
  /** The topic its worker publishes on. */
  topic: string;
  /** The record as the database holds it, for this caller: throws when the caller may not see it (or it is gone). */
  read: () => Promise<T>;
  /** Statuses after which the record no longer changes: the feed ends with the first it sees. */
  finalStatuses: ReadonlySet<string>;
  /** With no update for this long, the database is read again: an update lost with Redis costs a wait, never the end. */
  quietMs?: number;
}

export const QUIET_MS = 10_000;
/** Updates waiting for a slow reader; past this the oldest are dropped (the reader skips steps, never the end). */
const INBOX_LIMIT = 1000;
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A subscription's stream of one long operation's record: the record as it stands, then the
 * record each time its status, progress or count moves on, ending with its final state (read from
 * the database) after which the stream completes. Updates between come from the channel, in the
 * order they were published; one that would move progress back (a run resumed from the start) is
 * left out, so a progress bar never goes backwards. Ending the stream early (`return`, when the
 * client unsubscribes or its socket closes) stops listening at once.
 */
export class ProgressFeed<T extends Tracked> implements AsyncIterableIterator<T> {
  private readonly inbox: ProgressUpdate[] = [];
  private wake?: () => void;
  private stopListening?: () => void;
  private pending?: T;
  private last?: T;
  private closed = false;

  private constructor(private readonly options: FollowOptions<T>) {}

  /** Listens first, then reads, so nothing published in between is missed. Throws what `read` throws. */
  static async open<T extends Tracked>(channel: ProgressChannel, options: FollowOptions<T>): Promise<ProgressFeed<T>> {
    const feed = new ProgressFeed(options);
    feed.stopListening = await channel.listen(options.topic, (update) => feed.receive(update));
    try {
      feed.pending = await options.read();
    } catch (error) {
      feed.close();
      throw error;
    }
    return feed;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    try {
      return await this.advance();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return DONE;
  }

  private async advance(): Promise<IteratorResult<T>> {
    if (this.closed) return DONE;
    if (this.pending) {
      [this.last, this.pending] = [this.pending, undefined];
      return { done: false, value: this.last };
    }
    while (!this.closed && this.last && !this.isFinal(this.last)) {
      const update = await this.nextUpdate();
      if (this.closed) break;
      const next = await this.stateAfter(this.last, update);
      if (this.closed) break;
      if (movedOn(this.last, next)) {
        this.last = next;
        return { done: false, value: next };
      }
    }
    this.close();
    return DONE;
  }

  /** An update's numbers on the record; the database's record when the update says it is final, or when none came. */
  private async stateAfter(last: T, update: ProgressUpdate | undefined): Promise<T> {
    if (!update) return this.options.read();
    const updated = withUpdate(last, update);
    return this.isFinal(updated) ? this.options.read() : updated;
  }

  private isFinal(record: T): boolean {
    return this.options.finalStatuses.has(record.status);
  }

  private receive(update: ProgressUpdate): void {
    if (this.closed) return;
    this.inbox.push(update);
    if (this.inbox.length > INBOX_LIMIT) this.inbox.shift();
    this.wake?.();
  }

  /** The next update, or undefined once the channel has been quiet for quietMs (or the feed closed). */
  private nextUpdate(): Promise<ProgressUpdate | undefined> {
    const waiting = this.inbox.shift();
    if (waiting) return Promise.resolve(waiting);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.options.quietMs ?? QUIET_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(this.inbox.shift());
      };
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening?.();
    this.inbox.length = 0;
    this.wake?.();
  }
}

/** The record with the update's numbers (only the fields the record has), keeping its class. */
function withUpdate<T extends Tracked>(record: T, update: ProgressUpdate): T {
  const changes: Partial<Tracked> = { status: update.status, progress: update.progress };
  if (update.createdCount !== undefined && 'createdCount' in record) changes.createdCount = update.createdCount;
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object) as T, record, changes);
}

/** A new status, more progress, or more made at the same progress; never a step back. */
function movedOn(last: Tracked, next: Tracked): boolean {
  if (next.status !== last.status) return true;
  if (next.progress !== last.progress) return next.progress > last.progress;
  return (next.createdCount ?? 0) > (last.createdCount ?? 0);
}
