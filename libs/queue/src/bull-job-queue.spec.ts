import { Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
// The file itself, not @tessera/testing's index: that loads the whole application.
import { deleteRedisKeys } from '../../testing/src/redis-keys';
import { BullJobQueue } from './bull-job-queue';
import { Job } from './job';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueModuleOptions } from './queue.options';

const redisUrl = process.env.REDIS_URL;

/** Against the real Bull and Redis: what matters here is how Bull behaves, which a stub would only assume. */
(redisUrl ? describe : describe.skip)('BullJobQueue on Redis', () => {
  const unhandled: unknown[] = [];
  const hear = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', hear));
  afterAll(() => process.off('unhandledRejection', hear));

  /** Each queue's prefix starts so: what Bull left under them (ids, finished jobs) goes with the file, nothing else does. */
  const filePrefix = `test-bull-${randomBytes(4).toString('hex')}`;
  let queues = 0;
  afterAll(() => deleteRedisKeys(redisUrl!, `${filePrefix}-*`));

  /** A queue with one handler, its workers started as at application bootstrap. */
  function startWorkers(handler: (job: Job) => Promise<unknown> = async () => undefined): { jobQueue: BullJobQueue; bull: Bull.Queue } {
    const prefix = `${filePrefix}-${++queues}`;
    const bull = new Bull('mail', redisUrl!, { prefix });
    const options: QueueModuleOptions = {
      prefix,
      workers: true,
      queues: ['mail'],
      defaultAttempts: 1,
      defaultBackoffMs: 1,
      concurrency: 2,
    };
    const registry = { handlersOf: () => new Map([['send', handler]]) } as unknown as JobHandlerRegistry;
    const jobQueue = new BullJobQueue(options, registry, { get: () => bull } as unknown as ModuleRef);
    jobQueue.onModuleInit();
    jobQueue.onApplicationBootstrap();
    return { jobQueue, bull };
  }

  it('closes while its workers are still starting without an unhandled rejection', async () => {
    // Bull's process() rejects with "Connection is closed." when the queue closes during its start
    // (closing at once, or a few ms in); an unheard rejection ends a Node process.
    for (let round = 0; round < 8; round++) {
      const { bull } = startWorkers();
      await sleep(round);
      await bull.close();
    }
    await sleep(100);
    expect(unhandled.map(String)).toEqual([]);
  });

  it('runs the handlers once started', async () => {
    const handled: unknown[] = [];
    const { jobQueue, bull } = startWorkers(async (job) => handled.push(job.data));
    try {
      await jobQueue.add('mail', 'send', { to: 'pat@example.test' });
      await jobQueue.whenIdle('mail', 10_000);
      expect(handled).toEqual([{ to: 'pat@example.test' }]);
      await bull.obliterate({ force: true }); // the completed job's keys, left in Redis by every run before
    } finally {
      await bull.close();
    }
  });

  it('tells which job ids it holds, unfinished or how they ended; an id it never had is absent', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined); // the failing job's report
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { jobQueue, bull } = startWorkers(async (job) => {
      const { kind } = job.data as { kind: string };
      if (kind === 'slow') await slow;
      if (kind === 'bad') throw new Error('no');
    });
    const held = (ids: string[]) => jobQueue.held('mail', ids);
    try {
      for (const kind of ['slow', 'ok', 'bad']) await jobQueue.add('mail', 'send', { kind }, { jobId: kind });
      await jobQueue.add('mail', 'send', { kind: 'ok' }, { jobId: 'later', delayMs: 60_000 });
      await until(async () => [...(await held(['ok', 'bad'])).values()].join() === 'completed,failed');
      expect(await held(['slow', 'ok', 'bad', 'later', 'lost'])).toEqual(
        new Map([
          ['slow', 'unfinished'],
          ['ok', 'completed'],
          ['bad', 'failed'],
          ['later', 'unfinished'],
        ]),
      );
      expect(await held([])).toEqual(new Map());
      release();
      await until(async () => (await held(['slow'])).get('slow') === 'completed');
      await bull.obliterate({ force: true });
    } finally {
      release();
      await bull.close();
      jest.restoreAllMocks();
    }
  });
});

/** Polls until `done` answers true, for at most five seconds. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await done()); await sleep(25)) {
    if (Date.now() > deadline) throw new Error('Still not done after 5 s.');
  }
}
