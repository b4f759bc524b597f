import { Transactional } from '@nestjs-cls/transactional';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { JobHandler, JobProcessor, type Job } from '@tessera/queue';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';
import { WebhookEndpointDisabled } from '../events/webhook-endpoint-disabled.event';
import { WEBHOOKS_QUEUE } from '../webhooks.queue';
import { isDelivered, nextAttemptAt } from './retry-policy';
import { signWebhook } from './standard-webhooks';
import { DELIVER_WEBHOOK_JOB, WebhookDeliveryQueue, type DeliverWebhookJob } from './webhook-delivery-queue';
import { WebhookDeliveryStore, type AttemptRecord, type ClaimedDelivery } from './webhook-delivery-store';
import { postWebhook, type WebhookHttpResult } from './webhook-http';

export type WebhookAttemptOutcome = 'SKIPPED' | WebhookDeliveryStatus;

/**
 * Makes one attempt of one delivery. The delivery is claimed with a lease rather than a held
 * transaction, so a slow receiver holds no database connection; a worker killed mid-attempt leaves
 * the lease to run out and the sweeper to queue the delivery again (at least once). A receiver's
 * failure never throws: the retry is a new delayed job on the schedule of the retry policy.
 */
@Injectable()
@JobProcessor(WEBHOOKS_QUEUE)
export class WebhookDeliveryProcessor {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly secrets: SecretBox;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookDeliveryQueue,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secrets = new SecretBox(config.auth.tokenSecret!, 'webhook-secret');
  }

  @JobHandler(DELIVER_WEBHOOK_JOB)
  async deliver(job: Job<DeliverWebhookJob>): Promise<WebhookAttemptOutcome> {
    const { timeoutMs, leaseMarginMs } = this.config.webhooks;
    const delivery = await this.store.claim(job.data.deliveryId, timeoutMs + leaseMarginMs);
    if (!delivery) return 'SKIPPED'; // delivered, failed, gone, not due yet, or another worker has it
    if (!delivery.url || !delivery.enabled || !delivery.secretSealed) {
      await this.store.fail(delivery.id, 'The endpoint is disabled.');
      return WebhookDeliveryStatus.FAILED;
    }
    if (this.config.env === 'production' && !isHttps(delivery.url)) {
      // Saved before production, or written around the API: never sent in the clear.
      await this.record(this.outcome(delivery, { error: 'Refused: production sends webhooks over HTTPS only.', durationMs: 0 }, true));
      return WebhookDeliveryStatus.FAILED;
    }
    const body = JSON.stringify(delivery.payload);
    const secrets = [this.secrets.open(delivery.secretSealed)];
    if (delivery.previousSecretSealed) secrets.push(this.secrets.open(delivery.previousSecretSealed));
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      delivery.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Tessera-Webhooks/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secrets, delivery.eventId, timestamp, body),
      },
      body,
      { timeoutMs, allowPrivateTargets: this.config.webhooks.allowPrivateTargets },
    );
    const record = this.outcome(delivery, result);
    await this.record(record);
    if (record.status === WebhookDeliveryStatus.PENDING && record.nextAttemptAt) {
      await this.queue.enqueue([{ id: delivery.id, attemptCount: delivery.attemptCount }], {
        delayMs: Math.max(0, record.nextAttemptAt.getTime() - Date.now()),
      });
    }
    return record.status;
  }

  /** `final`: a failure that no retry can mend. */
  private outcome(delivery: ClaimedDelivery, result: WebhookHttpResult, final = false): AttemptRecord {
    const delivered = isDelivered(result);
    const next =
      delivered || final
        ? null
        : nextAttemptAt(result, delivery.attemptCount, new Date(delivery.createdAt), new Date(), this.config.webhooks);
    const answered = 'statusCode' in result;
    return {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      statusCode: answered ? result.statusCode : null,
      durationMs: result.durationMs,
      error: answered ? (delivered ? null : `The endpoint answered ${result.statusCode}.`) : result.error,
      responseExcerpt: answered ? result.responseExcerpt : null,
      status: delivered ? WebhookDeliveryStatus.DELIVERED : next ? WebhookDeliveryStatus.PENDING : WebhookDeliveryStatus.FAILED,
      nextAttemptAt: next,
      succeeded: delivered,
      disableAfterDays: this.config.webhooks.disableAfterDays,
    };
  }

  /** The attempt, the delivery's state and the endpoint's health in one statement; the endpoint's disabling announced with it. */
  @Transactional()
  private async record(record: AttemptRecord): Promise<void> {
    const { disabled, failingSince, organizationId } = await this.store.recordAttempt(record);
    if (!disabled) return;
    this.logger.warn({ message: 'Webhook endpoint disabled after failing too long', webhookEndpointId: record.endpointId });
    await this.events.publish(
      new WebhookEndpointDisabled(
        { webhookEndpointId: record.endpointId, reason: 'FAILING', failingSince: new Date(failingSince ?? Date.now()).toISOString() },
        { organizationId },
      ),
    );
  }
}

function isHttps(url: string): boolean {
  return URL.canParse(url) && new URL(url).protocol === 'https:';
}
