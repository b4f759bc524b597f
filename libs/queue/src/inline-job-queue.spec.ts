import { Logger } from '@nestjs/common';
import { InlineJobQueue } from './inline-job-queue';
import { Job, JobHandlerFn } from './job';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueModuleOptions } from './queue.options';

const QUEUE = 'mail';

const options: QueueModuleOptions = {
  prefix: 'test',
  workers: true,
  queues: [QUEUE],
  defaultAttempts: 3,
  defaultBackoffMs: 5,
  concurrency: 1,
};

type Seen = Pick<Job, 'id' | 'queue' | 'name' | 'data' | 'attemptsMade'> & { at: number };

/** A registry stub with one handler per job name, recording what each run saw. */
function setUp(handlers: Record<string, (job: Job) => Promise<unknown>>) {
  const seen: Seen[] = [];
  const registry = {
    get: jest.fn((queue: string, name: string): JobHandlerFn | undefined => {
      const handler = queue === QUEUE ? handlers[name] : undefined;
      if (!handler) return undefined;
      return async (job) => {
        seen.push({ id: job.id, queue: job.queue, name: job.name, data: job.data, attemptsMade: job.attemptsMade, at: performance.now() });
        return handler(job);
      };
    }),
  };
  const queue = new InlineJobQueue(options, registry as unknown as JobHandlerRegistry);
  return { queue, seen, registry };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InlineJobQueue', () => {
  let logError: jest.SpyInstance;
  let logWarn: jest.SpyInstance;
  const queues: InlineJobQueue[] = [];

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    logWarn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.beforeApplicationShutdown()));
    jest.restoreAllMocks();
  });

  function make(handlers: Record<string, (job: Job) => Promise<unknown>>) {
    const made = setUp(handlers);
    queues.push(made.queue);
    return made;
  }

  it('is the inline mode and always answers ping', async () => {
    const { queue } = make({});
    expect(queue.mode).toBe('inline');
    await expect(queue.ping()).resolves.toBe(true);
  });

  it('runs a job after add(), after the caller has moved on', async () => {
    const { queue, seen } = make({ send: async () => undefined });

    await queue.add(QUEUE, 'send', { to: 'ada@example.com' });
    expect(seen).toHaveLength(0); // not inside the caller's tick (e.g. its transaction)

    await queue.whenIdle(QUEUE);
    expect(seen).toEqual([
      {
        id: expect.stringMatching(/^inline-\d+$/),
        queue: QUEUE,
        name: 'send',
        data: { to: 'ada@example.com' },
        attemptsMade: 0,
        at: expect.any(Number),
      },
    ]);
    expect(logError).not.toHaveBeenCalled();
  });

  it('gives each job without a jobId its own id', async () => {
    const { queue, seen } = make({ send: async () => undefined });
    await queue.add(QUEUE, 'send', 1);
    await queue.add(QUEUE, 'send', 2);
    await queue.whenIdle(QUEUE);
    expect(seen).toHaveLength(2);
    expect(seen[0].id).not.toBe(seen[1].id);
  });

  it('uses the given jobId as the job id', async () => {
    const { queue, seen } = make({ send: async () => undefined });
    await queue.add(QUEUE, 'send', {}, { jobId: 'event-123' });
    await queue.whenIdle(QUEUE);
    expect(seen.map((s) => s.id)).toEqual(['event-123']);
  });

  it('retries a throwing handler with exponential backoff until it succeeds', async () => {
    let calls = 0;
    const { queue, seen } = make({
      send: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`SMTP down (${calls})`);
      },
    });

    await queue.add(QUEUE, 'send', {}, { attempts: 5, backoffMs: 5 });
    await queue.whenIdle(QUEUE);

    expect(seen.map((s) => s.attemptsMade)).toEqual([0, 1, 2]);
    // 5 ms before the second attempt, 10 ms before the third (timers may fire ~1 ms early).
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(4);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(9);
    expect(logWarn).toHaveBeenCalledTimes(2);
    expect(logError).not.toHaveBeenCalled();

    await sleep(30);
    expect(seen).toHaveLength(3); // nothing runs again after success
  });

  it('gives up after `attempts` and logs the failure', async () => {
    const { queue, seen } = make({
      send: async () => {
        throw new Error('mailbox unavailable');
      },
    });

    await queue.add(QUEUE, 'send', {}, { attempts: 3, backoffMs: 5, jobId: 'doomed' });
    await queue.whenIdle(QUEUE);

    expect(seen.map((s) => s.attemptsMade)).toEqual([0, 1, 2]);
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0][0]).toMatchObject({
      message: 'Job failed for good',
      queue: QUEUE,
      job: 'send',
      id: 'doomed',
      attempts: 3,
      error: 'mailbox unavailable',
    });

    await sleep(50);
    expect(seen).toHaveLength(3);
  });

  it('falls back to the default attempts of the options', async () => {
    const { queue, seen } = make({
      send: async () => {
        throw new Error('nope');
      },
    });
    await queue.add(QUEUE, 'send', {});
    await queue.whenIdle(QUEUE);
    expect(seen).toHaveLength(options.defaultAttempts);
  });

  it('treats a job with no handler as failed, not as a crash', async () => {
    const { queue, registry } = make({});
    await queue.add(QUEUE, 'unknown', {}, { attempts: 2, backoffMs: 1 });
    await queue.whenIdle(QUEUE);
    expect(registry.get).toHaveBeenCalledWith(QUEUE, 'unknown');
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0][0]).toMatchObject({ error: expect.stringContaining('No handler') });
  });

  it('ignores a second add with the same jobId', async () => {
    const { queue, seen } = make({ send: async () => undefined });

    await queue.add(QUEUE, 'send', { n: 1 }, { jobId: 'event-1' });
    await queue.add(QUEUE, 'send', { n: 2 }, { jobId: 'event-1' });
    await queue.add(QUEUE, 'send', { n: 3 }, { jobId: 'event-2' });
    await queue.whenIdle(QUEUE);
    await queue.add(QUEUE, 'send', { n: 4 }, { jobId: 'event-1' }); // still known after it ran
    await queue.whenIdle(QUEUE);

    expect(seen.map((s) => s.data)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('tells which job ids it holds, unfinished or how they ended; an id it never saw is absent', async () => {
    const release = deferred();
    const { queue } = make({ send: () => release.promise, done: async () => undefined, fail: () => Promise.reject(new Error('no')) });
    await queue.add(QUEUE, 'send', {}, { jobId: 'slow' });
    await queue.add(QUEUE, 'done', {}, { jobId: 'ok' });
    await queue.add(QUEUE, 'fail', {}, { jobId: 'bad', attempts: 1 });
    await sleep(20);
    expect(await queue.held(QUEUE, ['slow', 'ok', 'bad', 'lost'])).toEqual(
      new Map([
        ['slow', 'unfinished'],
        ['ok', 'completed'],
        ['bad', 'failed'],
      ]),
    );
    release.resolve();
    await queue.whenIdle(QUEUE);
    expect((await queue.held(QUEUE, ['slow'])).get('slow')).toBe('completed');
  });

  it('keeps holding an unfinished job when it forgets old ids, so it is never added twice', async () => {
    const release = deferred();
    const { queue, seen } = make({ send: () => release.promise, done: async () => undefined });
    await queue.add(QUEUE, 'send', { n: 'slow' }, { jobId: 'slow' });
    for (let n = 0; n < 10_000; n++) await queue.add(QUEUE, 'done', {}, { jobId: `quick-${n}` });
    // The quick jobs' timers were set before this one: they have all run when it fires.
    await sleep(20);
    await queue.add(QUEUE, 'done', {}, { jobId: 'one-too-many' });
    expect((await queue.held(QUEUE, ['slow', 'quick-0'])).get('slow')).toBe('unfinished');
    expect((await queue.held(QUEUE, ['quick-0'])).has('quick-0')).toBe(false);
    await queue.add(QUEUE, 'send', { n: 'again' }, { jobId: 'slow' });
    release.resolve();
    await queue.whenIdle(QUEUE);
    expect(seen.filter((job) => job.name === 'send').map((job) => job.data)).toEqual([{ n: 'slow' }]);
  });

  it('waits delayMs before the first run', async () => {
    const { queue, seen } = make({ send: async () => undefined });
    const before = performance.now();
    await queue.add(QUEUE, 'send', {}, { delayMs: 30 });
    await sleep(5);
    expect(seen).toHaveLength(0);
    await queue.whenIdle(QUEUE);
    expect(seen[0].at - before).toBeGreaterThanOrEqual(29);
  });

  describe('whenIdle', () => {
    it('resolves at once for a queue with nothing to do', async () => {
      const { queue } = make({});
      await expect(queue.whenIdle(QUEUE)).resolves.toBeUndefined();
      await expect(queue.whenIdle('other')).resolves.toBeUndefined();
    });

    it('resolves only when the running job is done', async () => {
      const gate = deferred();
      let finished = false;
      const { queue } = make({
        send: async () => {
          await gate.promise;
          finished = true;
        },
      });
      await queue.add(QUEUE, 'send', {});

      let idle = false;
      const waiting = queue.whenIdle(QUEUE).then(() => (idle = true));
      await sleep(80); // longer than whenIdle's own polling interval
      expect(idle).toBe(false);

      gate.resolve();
      await waiting;
      expect(finished).toBe(true);
    });

    it('waits for jobs that a handler adds to the same queue', async () => {
      const { queue, seen } = make({
        first: async () => {
          await sleep(5);
          await queue.add(QUEUE, 'second', {});
        },
        second: async () => {
          await sleep(5);
        },
      });
      await queue.add(QUEUE, 'first', {});
      await queue.whenIdle(QUEUE);
      expect(seen.map((s) => s.name)).toEqual(['first', 'second']);
    });

    it('gives up with an error after its timeout', async () => {
      const gate = deferred();
      const { queue } = make({ send: () => gate.promise });
      await queue.add(QUEUE, 'send', {});
      await expect(queue.whenIdle(QUEUE, 20)).rejects.toThrow(/still busy/);
      gate.resolve();
      await queue.whenIdle(QUEUE);
    });
  });

  describe('beforeApplicationShutdown', () => {
    it('lets running jobs finish, then refuses new ones', async () => {
      const gate = deferred();
      let finished = false;
      const { queue, seen } = make({
        send: async () => {
          await gate.promise;
          finished = true;
        },
      });
      await queue.add(QUEUE, 'send', {});
      await sleep(5);

      const shutdown = queue.beforeApplicationShutdown();
      await expect(queue.add(QUEUE, 'send', {})).rejects.toThrow(/shut down/);
      gate.resolve();
      await shutdown;

      expect(finished).toBe(true);
      expect(seen).toHaveLength(1);
      await expect(queue.add(QUEUE, 'send', {})).rejects.toThrow('The inline queue is shut down.');
    });
  });
});
