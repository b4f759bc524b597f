import { TransactionHost } from '@nestjs-cls/transactional';
import { SecretBox } from '@tessera/common';
import type { EventBus } from '@tessera/events';
import type { Job } from '@tessera/queue';
import type { AppConfig } from '../../config/config';
import { WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';
import { newWebhookSecret } from './standard-webhooks';
import type { DeliverWebhookJob, WebhookDeliveryQueue } from './webhook-delivery-queue';
import type { AttemptRecord, ClaimedDelivery, WebhookDeliveryStore } from './webhook-delivery-store';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { postWebhook } from './webhook-http';

// No socket in a unit test: the HTTP client is replaced, and whether it was called is the point.
jest.mock('./webhook-http', () => ({ postWebhook: jest.fn() }));
const post = postWebhook as jest.MockedFunction<typeof postWebhook>;

const TOKEN_SECRET = 'unit-test-token-secret-of-enough-length-0123456789';

describe('WebhookDeliveryProcessor: HTTPS at delivery time', () => {
  beforeAll(() => {
    // record() is @Transactional: run its body as it is.
    jest.spyOn(TransactionHost, 'getInstance').mockReturnValue({
      withTransaction: (_propagation: unknown, _options: unknown, fn: () => unknown) => fn(),
    } as unknown as TransactionHost);
  });
  beforeEach(() => post.mockReset());
  afterAll(() => jest.restoreAllMocks());

  function setUp(env: AppConfig['env'], url: string) {
    const delivery: ClaimedDelivery = {
      id: 'delivery-1',
      endpointId: 'endpoint-1',
      eventId: 'event-1',
      payload: { id: 'event-1', type: 'webhook.test', occurredAt: new Date().toISOString(), organizationId: null, data: {} },
      attemptCount: 1,
      createdAt: new Date(),
      url,
      enabled: true,
      secretSealed: new SecretBox(TOKEN_SECRET, 'webhook-secret').seal(newWebhookSecret()),
      previousSecretSealed: null,
    };
    const recorded: AttemptRecord[] = [];
    const store = {
      claim: jest.fn(async () => delivery),
      recordAttempt: jest.fn(async (record: AttemptRecord) => {
        recorded.push(record);
        return { disabled: false, failingSince: null, organizationId: null };
      }),
      fail: jest.fn(),
    } as unknown as WebhookDeliveryStore;
    const queue = { enqueue: jest.fn(async () => undefined) } as unknown as WebhookDeliveryQueue;
    const config = {
      env,
      auth: { tokenSecret: TOKEN_SECRET },
      webhooks: {
        allowPrivateTargets: true,
        timeoutMs: 1000,
        retryBaseMs: 100,
        retryForHours: 25,
        disableAfterDays: 5,
        sweepIntervalMs: 1000,
        leaseMarginMs: 1000,
        overdueAfterMs: 1000,
      },
    } as AppConfig;
    const processor = new WebhookDeliveryProcessor(store, queue, { publish: jest.fn() } as unknown as EventBus, config);
    const job = { data: { deliveryId: delivery.id } } as Job<DeliverWebhookJob>;
    return { processor, job, recorded, queue };
  }

  it('refuses an http:// URL under NODE_ENV=production: a failed attempt with a clear error, no request, no retry', async () => {
    const { processor, job, recorded, queue } = setUp('production', 'http://hooks.example.test/in?token=abc');

    expect(await processor.deliver(job)).toBe(WebhookDeliveryStatus.FAILED);
    expect(post).not.toHaveBeenCalled();
    expect(recorded).toEqual([
      expect.objectContaining({
        deliveryId: 'delivery-1',
        statusCode: null,
        status: WebhookDeliveryStatus.FAILED,
        nextAttemptAt: null,
        succeeded: false,
        error: 'Refused: production sends webhooks over HTTPS only.',
      }),
    ]);
    expect(queue.enqueue).not.toHaveBeenCalled();
  });

  it('refuses a URL that does not parse under production as well', async () => {
    const { processor, job, recorded } = setUp('production', 'not a url');
    expect(await processor.deliver(job)).toBe(WebhookDeliveryStatus.FAILED);
    expect(post).not.toHaveBeenCalled();
    expect(recorded).toEqual([expect.objectContaining({ status: WebhookDeliveryStatus.FAILED })]);
  });

  it.each<[AppConfig['env'], string]>([
    ['production', 'https://hooks.example.test/in'],
    ['development', 'http://hooks.example.test/in'],
    ['test', 'http://127.0.0.1:9/in'],
  ])('sends under %s to %s', async (env, url) => {
    post.mockResolvedValue({ statusCode: 204, durationMs: 3, responseExcerpt: '', retryAfterSeconds: null });
    const { processor, job, recorded } = setUp(env, url);

    expect(await processor.deliver(job)).toBe(WebhookDeliveryStatus.DELIVERED);
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0][0]).toBe(url);
    expect(recorded).toEqual([expect.objectContaining({ status: WebhookDeliveryStatus.DELIVERED, statusCode: 204, error: null })]);
  });
});
