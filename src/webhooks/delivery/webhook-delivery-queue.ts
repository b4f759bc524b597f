import { Injectable } from '@nestjs/common';
import { newId } from '@tessera/common';
import { JobQueue, type NewJob } from '@tessera/queue';
import { WEBHOOKS_QUEUE } from '../webhooks.queue';
import type { QueuedDelivery } from './webhook-delivery-store';

export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

export interface DeliverWebhookJob {
  deliveryId: string;
}

/**
 * Puts delivery jobs on the webhooks queue. A job's id is `${deliveryId}:${attemptCount}`: the job
 * that makes the next attempt, so a second add for the same attempt (a fan-out re-run) adds nothing.
 * A person's "send it now" (redeliver, replay) and the sweeper's re-queue get an id of their own
 * (`fresh`): the usual id may be taken by a retry still waiting, or by a job that ended without an
 * attempt and that the queue keeps (completed, or failed for good); the lease still lets one attempt
 * run at a time.
 */
@Injectable()
export class WebhookDeliveryQueue {
  constructor(private readonly jobs: JobQueue) {}

  enqueue(deliveries: readonly QueuedDelivery[], options: { delayMs?: number; fresh?: 'now' | 'sweep' } = {}): Promise<void> {
    if (deliveries.length === 0) return Promise.resolve();
    const jobs: NewJob<DeliverWebhookJob>[] = deliveries.map((delivery) => ({
      name: DELIVER_WEBHOOK_JOB,
      data: { deliveryId: delivery.id },
      options: {
        jobId: `${delivery.id}:${delivery.attemptCount}${options.fresh ? `:${options.fresh}:${newId()}` : ''}`,
        delayMs: options.delayMs,
        // Only for the job's own errors (the database away): a receiver's failure is scheduled as a new job.
        attempts: 3,
        backoffMs: 5_000,
      },
    }));
    return this.jobs.addMany(WEBHOOKS_QUEUE, jobs);
  }
}
