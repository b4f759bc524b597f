/**
 * At most `capacity` units held at once; `take(n)` waits, first come first served, until n are
 * free. Bounds the sends a process has claimed but not finished, however many jobs run.
 */
export class Slots {
  private free: number;
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  take(count: number): Promise<void> {
    if (count > this.capacity) throw new Error(`Cannot take ${count} of ${this.capacity} slots.`);
    if (this.waiting.length === 0 && this.free >= count) {
      this.free -= count;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  give(count: number): void {
    this.free += count;
    while (this.waiting.length && this.free >= this.waiting[0]!.count) {
      const next = this.waiting.shift()!;
      this.free -= next.count;
      next.resolve();
    }
  }
}

/**
 * Writes items in rounds: the first item starts a write at once, and what arrives while a write
 * runs goes into the next one. Under load each statement carries many items; alone, an item waits
 * for nothing but its own write. `record` settles when the write holding the item does.
 */
export class WriteCoalescer<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  record(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length) {
      const round = this.pending;
      this.pending = [];
      try {
        await this.write(round.map((entry) => entry.item));
        for (const entry of round) entry.resolve();
      } catch (error) {
        for (const entry of round) entry.reject(error);
      }
    }
    this.writing = false;
  }
}
