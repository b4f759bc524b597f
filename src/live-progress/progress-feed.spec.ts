import { MemoryProgressChannel } from './memory-progress-channel';
import type { ProgressReceiver } from './progress-channel';
import { ProgressFeed, type Tracked } from './progress-feed';

const TOPIC = 'code-batch:1';
const FINAL = new Set(['COMPLETED', 'FAILED']);

/** The in-memory channel, counting who listens. */
class CountingChannel extends MemoryProgressChannel {
  listening = 0;

  override async listen(topic: string, receive: ProgressReceiver): Promise<() => void> {
    const stop = await super.listen(topic, receive);
    this.listening++;
    return () => {
      this.listening--;
      stop();
    };
  }
}

class Batch implements Tracked {
  constructor(
    readonly status: string,
    readonly progress: number,
    readonly createdCount: number,
    readonly note = 'from the database',
  ) {}
}

/** A database row the test moves; each read returns it as it stands. */
function table(initial: Batch) {
  const row = { current: initial, reads: 0 };
  return {
    row,
    read: async () => {
      row.reads++;
      return row.current;
    },
  };
}

const plain = (batch: Tracked) => ({ ...batch });

describe('ProgressFeed', () => {
  it('gives the record as read, then each update in order, then the final record from the database, and ends', async () => {
    const channel = new CountingChannel();
    const { row, read } = table(new Batch('PENDING', 0, 0));
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read, finalStatuses: FINAL });
    expect(plain((await feed.next()).value)).toEqual({ status: 'PENDING', progress: 0, createdCount: 0, note: 'from the database' });

    channel.publish(TOPIC, { status: 'RUNNING', progress: 5, createdCount: 50 });
    channel.publish(TOPIC, { status: 'RUNNING', progress: 10, createdCount: 100 });
    const second = (await feed.next()).value;
    // The update's numbers on the record as read: its class and other fields stay.
    expect(second).toBeInstanceOf(Batch);
    expect(plain(second)).toEqual({ status: 'RUNNING', progress: 5, createdCount: 50, note: 'from the database' });
    expect(plain((await feed.next()).value)).toMatchObject({ progress: 10, createdCount: 100 });

    row.current = new Batch('COMPLETED', 100, 1000, 'final');
    channel.publish(TOPIC, { status: 'COMPLETED', progress: 100, createdCount: 999 });
    expect(plain((await feed.next()).value)).toEqual({ status: 'COMPLETED', progress: 100, createdCount: 1000, note: 'final' });
    expect(await feed.next()).toEqual({ done: true, value: undefined });
    expect(channel.listening).toBe(0);
    expect(row.reads).toBe(2);
  });

  it('leaves out updates that would move progress back, or repeat where it stands', async () => {
    const channel = new CountingChannel();
    const { row, read } = table(new Batch('RUNNING', 40, 400));
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read, finalStatuses: FINAL });
    await feed.next();
    // A run resumed from the start, an update that was already in the first read, then real progress.
    for (const [progress, createdCount] of [
      [0, 0],
      [40, 400],
      [35, 350],
      [45, 450],
    ])
      channel.publish(TOPIC, { status: 'RUNNING', progress, createdCount });
    expect(plain((await feed.next()).value)).toMatchObject({ progress: 45, createdCount: 450 });
    row.current = new Batch('FAILED', 0, 0);
    channel.publish(TOPIC, { status: 'FAILED', progress: 0, createdCount: 0 });
    expect(plain((await feed.next()).value)).toMatchObject({ status: 'FAILED' });
    expect((await feed.next()).done).toBe(true);
  });

  it('reads the database when the channel stays quiet, so a lost update never keeps a subscriber from the end', async () => {
    const channel = new CountingChannel();
    const { row, read } = table(new Batch('RUNNING', 10, 100));
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read, finalStatuses: FINAL, quietMs: 20 });
    await feed.next();
    row.current = new Batch('COMPLETED', 100, 1000);
    // Nothing is published: the update went missing.
    expect(plain((await feed.next()).value)).toMatchObject({ status: 'COMPLETED', createdCount: 1000 });
    expect((await feed.next()).done).toBe(true);
    expect(channel.listening).toBe(0);
  });

  it('ends with the first read when the record is final already', async () => {
    const channel = new CountingChannel();
    const { read } = table(new Batch('COMPLETED', 100, 10));
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read, finalStatuses: FINAL });
    expect((await feed.next()).value).toMatchObject({ status: 'COMPLETED' });
    expect((await feed.next()).done).toBe(true);
    expect(channel.listening).toBe(0);
  });

  it('stops at once when the subscriber leaves while it waits', async () => {
    const channel = new CountingChannel();
    const { read } = table(new Batch('RUNNING', 10, 100));
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read, finalStatuses: FINAL, quietMs: 60_000 });
    await feed.next();
    const waiting = feed.next();
    await feed.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(channel.listening).toBe(0);
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });

  it('does not listen on when the caller may not read the record', async () => {
    const channel = new CountingChannel();
    const refused = new Error('FORBIDDEN');
    await expect(ProgressFeed.open(channel, { topic: TOPIC, read: () => Promise.reject(refused), finalStatuses: FINAL })).rejects.toBe(
      refused,
    );
    expect(channel.listening).toBe(0);
  });

  it('gives records without a count only the status and progress of an update', async () => {
    const channel = new CountingChannel();
    const record = { status: 'VALID', progress: 0 };
    const feed = await ProgressFeed.open(channel, { topic: TOPIC, read: async () => record, finalStatuses: FINAL });
    await feed.next();
    channel.publish(TOPIC, { status: 'RUNNING', progress: 4, createdCount: 7 });
    expect((await feed.next()).value).toEqual({ status: 'RUNNING', progress: 4 });
    await feed.return();
  });
});
