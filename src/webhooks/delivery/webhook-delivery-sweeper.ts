import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhookDeliveryStore } from './webhook-delivery-store';

/** How many overdue deliveries one round queues again at most. */
const SWEEP_BATCH = 500;

/**
 * In processes that run jobs: every WEBHOOK_SWEEP_INTERVAL_MS, queues again the PENDING deliveries
 * over WEBHOOK_OVERDUE_AFTER_MS (a minute) past due — their job was lost (Redis lost its data) or their worker died mid-attempt
 * (the lease ran out), or their job ended without an attempt (it failed for good while the database
 * was away, or found the delivery not yet due by the database's clock). Each with a job id of its own:
 * the lost job's id may still be held by the queue, which would take the add for a repeat and drop it.
 * A job that is merely late may so be doubled; the lease lets only one of them attempt.
 */
@Injectable()
export class WebhookDeliverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDeliverySweeper');
  private task?: PeriodicTask;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookDeliveryQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(this.config.webhooks.sweepIntervalMs, () =>
      this.sweep().catch((error: unknown) => {
        this.logger.warn({ message: 'Webhook sweep failed; next round retries', error: String(error) });
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Returns how many deliveries it queued again. */
  async sweep(): Promise<number> {
    const overdue = await this.store.overdue(SWEEP_BATCH, this.config.webhooks.overdueAfterMs);
    await this.queue.enqueue(overdue, { fresh: 'sweep' });
    if (overdue.length) this.logger.warn({ message: 'Re-queued overdue webhook deliveries', deliveries: overdue.length });
    return overdue.length;
  }
}
