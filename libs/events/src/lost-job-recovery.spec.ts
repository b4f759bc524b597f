import { Logger } from '@nestjs/common';
import type { HeldJobState, JobQueue, NewJob } from '@tessera/queue';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventsModuleOptions } from './events.options';
import { LostJobRecovery } from './lost-job-recovery';
import type { DeliverEventJob } from './outbox-relay';

const options: EventsModuleOptions = {
  sweep: true,
  sweepIntervalMs: 1000,
  sweepAfterMs: 1000,
  lostJobAfterMs: 90_000,
  sweepBatchSize: 100,
  enqueueTimeoutMs: 1000,
  secretKey: 'a test secret of at least thirty-two characters',
};

const occurredAt = new Date('2030-01-01T00:00:00Z');
const event = (id: string, pendingHandlers: string[]) => ({
  id,
  type: 'test.ThingMade',
  organizationId: 'org',
  actorId: null,
  payload: { name: id },
  occurredAt,
  pendingHandlers,
});

/** A recovery over a claim that returns `claimed`, and a queue that holds `held`. */
function setUp(claimed: ReturnType<typeof event>[], held: Record<string, HeldJobState>) {
  const query = jest.fn(async (sql: string, _parameters?: unknown[]): Promise<unknown> =>
    sql.includes('RETURNING') ? [claimed, claimed.length] : [],
  );
  const manager = { query } as unknown as EntityManager;
  const dataSource = { transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager) } as unknown as DataSource;
  const added: NewJob<DeliverEventJob>[] = [];
  const queue = {
    held: jest.fn(async (_queue: string, ids: string[]) => new Map(ids.flatMap((id) => (held[id] ? [[id, held[id]] as const] : [])))),
    addMany: jest.fn(async (_queue: string, jobs: NewJob<DeliverEventJob>[]) => void added.push(...jobs)),
  } as unknown as JobQueue;
  return { recovery: new LostJobRecovery(dataSource, queue, options), query, queue, added };
}

describe('LostJobRecovery', () => {
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('queues again, under their own ids, only the jobs the queue no longer holds', async () => {
    const { recovery, query, queue, added } = setUp([event('e1', ['A.lost', 'A.slow']), event('e2', ['A.lost'])], {
      'e1:A.slow': 'unfinished',
    });
    await expect(recovery.recoverBatch()).resolves.toEqual({ events: 2, requeued: 2 });
    // Claimed a lost-after period past their relay, at most a batch.
    expect(query.mock.calls[0][1]).toEqual([90, 100]);
    expect(queue.held).toHaveBeenCalledWith('events', ['e1:A.lost', 'e1:A.slow', 'e2:A.lost']);
    expect(added).toEqual([
      {
        name: 'deliver',
        data: { eventId: 'e1', handler: 'A.lost', event: { ...event('e1', []), pendingHandlers: undefined } },
        options: { jobId: 'e1:A.lost' },
      },
      expect.objectContaining({ options: { jobId: 'e2:A.lost' } }),
    ]);
    expect(added[0].data.event).not.toHaveProperty('pendingHandlers');
    // Nothing settled: the slow job will settle its own key.
    expect(query).toHaveBeenCalledTimes(1);
    expect(logError).not.toHaveBeenCalled();
  });

  it('settles a handler whose job the queue holds finished, and reports one it failed for good', async () => {
    const { recovery, query, added } = setUp([event('e1', ['A.done', 'A.failed'])], { 'e1:A.done': 'completed', 'e1:A.failed': 'failed' });
    await expect(recovery.recoverBatch()).resolves.toEqual({ events: 1, requeued: 0 });
    expect(added).toEqual([]);
    expect(query.mock.calls.slice(1)).toEqual([
      [expect.stringContaining('array_remove'), ['e1', 'A.done']],
      [expect.stringContaining('array_remove'), ['e1', 'A.failed']],
    ]);
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError).toHaveBeenCalledWith(expect.objectContaining({ eventId: 'e1', type: 'test.ThingMade', handler: 'A.failed' }));
  });

  it('does nothing when no event is overdue', async () => {
    const { recovery, added } = setUp([], {});
    await expect(recovery.recoverBatch()).resolves.toEqual({ events: 0, requeued: 0 });
    expect(added).toEqual([]);
  });
});
