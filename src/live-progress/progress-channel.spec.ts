import { Logger } from '@nestjs/common';
import { MemoryProgressChannel } from './memory-progress-channel';
import { parseProgressUpdate, type ProgressUpdate } from './progress-channel';
import { RedisProgressChannel, SUBSCRIBE_WAIT_MS } from './redis-progress-channel';

describe('MemoryProgressChannel', () => {
  it('gives each listener of a topic every update published after it started listening, until it stops', async () => {
    const channel = new MemoryProgressChannel();
    const seen: [string, ProgressUpdate][] = [];
    channel.publish('a', { status: 'RUNNING', progress: 1 });
    const stopA = await channel.listen('a', (update) => seen.push(['a', update]));
    await channel.listen('b', (update) => seen.push(['b', update]));
    channel.publish('a', { status: 'RUNNING', progress: 2, createdCount: 20 });
    stopA();
    channel.publish('a', { status: 'RUNNING', progress: 3 });
    channel.publish('b', { status: 'COMPLETED', progress: 100 });
    expect(seen).toEqual([
      ['a', { status: 'RUNNING', progress: 2, createdCount: 20 }],
      ['b', { status: 'COMPLETED', progress: 100 }],
    ]);
  });

  it('keeps a listener that throws from the publisher', async () => {
    const channel = new MemoryProgressChannel();
    await channel.listen('a', () => {
      throw new Error('subscriber trouble');
    });
    expect(() => channel.publish('a', { status: 'RUNNING', progress: 1 })).not.toThrow();
  });
});

describe('parseProgressUpdate', () => {
  it.each([
    ['{"status":"RUNNING","progress":5,"createdCount":50}', { status: 'RUNNING', progress: 5, createdCount: 50 }],
    ['{"status":"RUNNING","progress":5,"extra":"x"}', { status: 'RUNNING', progress: 5 }],
    ['{"status":"RUNNING"}', undefined],
    ['null', undefined],
    ['not json', undefined],
  ])('%s', (text, expected) => {
    expect(parseProgressUpdate(text)).toEqual(expected);
  });
});

/**
 * With Redis away (nothing listens on its port), the work publishing its progress neither waits
 * nor fails, and a subscriber starts without the channel after a short wait (reading the database
 * instead). A slow Redis takes the same path: publish hands the command to ioredis and returns,
 * and PUBLISH_TIMEOUT_MS ends what Redis does not answer. Runs without a Redis of its own.
 */
describe('RedisProgressChannel when Redis is away', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('publishing returns at once and never throws; listening starts after a short wait', async () => {
    const channel = new RedisProgressChannel('redis://127.0.0.1:1', 'test');
    try {
      const started = performance.now();
      for (let i = 0; i < 100; i++) channel.publish('code-batch:1', { status: 'RUNNING', progress: i });
      expect(performance.now() - started).toBeLessThan(500);
      const listening = performance.now();
      const stop = await channel.listen('code-batch:1', () => undefined);
      expect(performance.now() - listening).toBeLessThan(SUBSCRIBE_WAIT_MS + 1000);
      stop();
    } finally {
      await channel.onApplicationShutdown();
    }
    // Said once, not once per publish.
    expect(jest.mocked(Logger.prototype.warn).mock.calls.length).toBeLessThanOrEqual(2);
  });
});
