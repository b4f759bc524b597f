import { JobQueue, type NewJob } from '@tessera/queue';
import type { AppConfig } from '../../config/config';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import { WebhookDeliverySweeper } from './webhook-delivery-sweeper';

/** As Bull (and the inline queue) do: an add whose job id the queue holds already — waiting, done or failed — adds nothing. */
class RememberingQueue {
  readonly ids = new Set<string>();
  readonly ran: string[] = [];

  async addMany(_queue: string, jobs: NewJob<unknown>[]): Promise<void> {
    for (const job of jobs) {
      const id = job.options!.jobId!;
      if (this.ids.has(id)) continue;
      this.ids.add(id);
      this.ran.push((job.data as { deliveryId: string }).deliveryId);
    }
  }
}

describe('WebhookDeliverySweeper', () => {
  const overdue = { id: 'delivery-1', attemptCount: 0 };

  function setUp() {
    const jobs = new RememberingQueue();
    const queue = new WebhookDeliveryQueue(jobs as unknown as JobQueue);
    const store = { overdue: jest.fn(async () => [overdue]) } as unknown as WebhookDeliveryStore;
    const sweeper = new WebhookDeliverySweeper(store, queue, {
      queue: { workers: false },
      webhooks: { overdueAfterMs: 60_000 },
    } as AppConfig);
    return { jobs, queue, sweeper };
  }

  it('queues an overdue delivery again even when the job that was to make this attempt has run already', async () => {
    const { jobs, queue, sweeper } = setUp();
    // The fan-out's job ran and ended without an attempt (it found the delivery not due — the clocks of
    // this process and the database differ — or it failed for good while the database was away): the
    // queue keeps its id, and the delivery is still PENDING and now overdue.
    await queue.enqueue([overdue]);
    expect(jobs.ran).toEqual(['delivery-1']);

    expect(await sweeper.sweep()).toBe(1);
    expect(jobs.ran).toEqual(['delivery-1', 'delivery-1']);
    // And again on the next round while it stays overdue: the lease lets only one of them attempt.
    await sweeper.sweep();
    expect(jobs.ran).toHaveLength(3);
  });
});
