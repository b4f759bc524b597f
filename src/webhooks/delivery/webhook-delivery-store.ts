import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { newId } from '@tessera/common';
import type { PublicWebhookEvent } from '../catalog';
import { WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';

/** A delivery row made or reset, and so to be queued: its job id is `${id}:${attemptCount}`. */
export interface QueuedDelivery {
  id: string;
  attemptCount: number;
}

/** An endpoint as the fan-out sees it: where it is, and what it subscribes to (empty: everything). */
export interface SubscribedEndpoint {
  id: string;
  eventTypes: string[];
}

/** A delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  payload: PublicWebhookEvent;
  /** Attempts started, this one included. */
  attemptCount: number;
  createdAt: Date;
  /** Null when the endpoint is gone (cannot happen while the row exists, but the join says so). */
  url: string | null;
  enabled: boolean | null;
  secretSealed: string | null;
  /** The secret before a rotation, while it still signs. */
  previousSecretSealed: string | null;
}

/** One attempt's outcome, and the delivery's state after it. */
export interface AttemptRecord {
  deliveryId: string;
  endpointId: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
  /** Whether the endpoint took it (clears failing_since) or failed it (starts failing_since). */
  succeeded: boolean;
  disableAfterDays: number;
}

/** What an attempt did to its endpoint. */
export interface AttemptEffect {
  /** This attempt disabled it (failing for longer than disableAfterDays). */
  disabled: boolean;
  failingSince: Date | null;
  organizationId: string | null;
}

/** The raw SQL of webhook deliveries: fan-out inserts, the attempt lease, the attempt record, the sweep. */
@Injectable()
export class WebhookDeliveryStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private query<T>(sql: string, parameters: unknown[]): Promise<T> {
    return this.txHost.tx.query(sql, parameters) as Promise<T>;
  }

  /** The enabled endpoints an organisation's events go to: its own, and the platform's. */
  endpointsFor(organizationId: string | null): Promise<SubscribedEndpoint[]> {
    return this.query<SubscribedEndpoint[]>(
      `SELECT id, event_types AS "eventTypes" FROM webhook_endpoint
        WHERE enabled AND (organization_id IS NULL OR organization_id = $1)`,
      [organizationId],
    );
  }

  /** One delivery per endpoint and event it subscribes to (none where one exists already). */
  async insertForEvents(endpoints: SubscribedEndpoint[], events: PublicWebhookEvent[]): Promise<QueuedDelivery[]> {
    const rows = endpoints.flatMap((endpoint) =>
      events
        .filter((event) => endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type))
        .map((event) => ({ endpointId: endpoint.id, event })),
    );
    return this.insert(rows, { resetExisting: false });
  }

  /**
   * Deliveries of the given events to one endpoint. With resetExisting, a pair that has one already
   * is made PENDING again, due now (its payload stays as first sent); otherwise it is left alone.
   */
  async insert(rows: { endpointId: string; event: PublicWebhookEvent }[], options: { resetExisting: boolean }): Promise<QueuedDelivery[]> {
    if (rows.length === 0) return [];
    return this.query<QueuedDelivery[]>(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, organization_id, payload, status, next_attempt_at)
       SELECT r.id, r.endpoint_id, r.event_id, r.event_type, r.organization_id, r.payload, 'PENDING', now()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::jsonb[])
           AS r(id, endpoint_id, event_id, event_type, organization_id, payload)
       ON CONFLICT (endpoint_id, event_id) DO ${
         options.resetExisting ? `UPDATE SET status = 'PENDING', next_attempt_at = now(), delivered_at = NULL` : 'NOTHING'
       }
       RETURNING id, attempt_count AS "attemptCount"`,
      [
        rows.map(() => newId()),
        rows.map((r) => r.endpointId),
        rows.map((r) => r.event.id),
        rows.map((r) => r.event.type),
        rows.map((r) => r.event.organizationId),
        rows.map((r) => JSON.stringify(r.event)),
      ],
    );
  }

  /**
   * Takes a due PENDING delivery for one attempt: counts the attempt and pushes next_attempt_at past
   * the attempt's end (a lease, not a held transaction). A worker killed mid-attempt leaves the row
   * to the sweeper once the lease is over; null when it is not due, not pending, or gone. "Due"
   * allows the app's and the database's clocks a few seconds apart (the retry's delayed job fires
   * on the app's clock); a lease is far longer than that, so two attempts still never overlap.
   */
  async claim(deliveryId: string, leaseMs: number): Promise<ClaimedDelivery | null> {
    const [row] = await this.query<ClaimedDelivery[]>(
      `WITH claimed AS (
         UPDATE webhook_delivery SET next_attempt_at = now() + make_interval(secs => $2), attempt_count = attempt_count + 1
          WHERE id = $1 AND status = 'PENDING' AND next_attempt_at <= now() + interval '5 seconds'
         RETURNING id, endpoint_id, event_id, payload, attempt_count, created_at)
       SELECT c.id, c.endpoint_id AS "endpointId", c.event_id AS "eventId", c.payload, c.attempt_count AS "attemptCount",
              c.created_at AS "createdAt", e.url, e.enabled, e.secret_sealed AS "secretSealed",
              CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_sealed END AS "previousSecretSealed"
         FROM claimed c LEFT JOIN webhook_endpoint e ON e.id = c.endpoint_id`,
      [deliveryId, leaseMs / 1000],
    );
    return row ?? null;
  }

  /**
   * Records an attempt, the delivery's new state and the endpoint's failing_since in one statement.
   * An endpoint failing for longer than disableAfterDays is disabled (FAILING); answers whether
   * this attempt disabled it, and since when it had been failing. A success on an endpoint that is not
   * failing leaves its row alone: locking it on every attempt made one endpoint's deliveries go one at a time.
   */
  async recordAttempt(record: AttemptRecord): Promise<AttemptEffect> {
    const [row] = await this.query<AttemptEffect[]>(
      `WITH attempt AS (
         INSERT INTO webhook_attempt (id, delivery_id, status_code, duration_ms, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6)),
       delivery AS (
         UPDATE webhook_delivery SET status = $7, next_attempt_at = $8, last_status_code = $3, last_error = $5,
                delivered_at = CASE WHEN $7 = 'DELIVERED' THEN now() ELSE delivered_at END
          WHERE id = $2),
       before AS (
         SELECT id, enabled AS was_enabled, failing_since,
                NOT $10::boolean AND COALESCE(failing_since < now() - make_interval(days => $11), false) AS failed_too_long
           FROM webhook_endpoint WHERE id = $9 AND NOT ($10::boolean AND failing_since IS NULL) FOR UPDATE),
       endpoint AS (
         UPDATE webhook_endpoint e
            SET failing_since = CASE WHEN $10::boolean THEN NULL ELSE COALESCE(b.failing_since, now()) END,
                enabled = e.enabled AND NOT b.failed_too_long,
                disabled_reason = CASE WHEN e.enabled AND b.failed_too_long THEN 'FAILING' ELSE e.disabled_reason END
           FROM before b WHERE e.id = b.id
         RETURNING b.was_enabled AND b.failed_too_long AS disabled, e.failing_since AS "failingSince", e.organization_id AS "organizationId")
       SELECT COALESCE(disabled, false) AS disabled, "failingSince", "organizationId" FROM (SELECT 1) one LEFT JOIN endpoint ON true`,
      [
        newId(),
        record.deliveryId,
        record.statusCode,
        record.durationMs,
        record.error,
        record.responseExcerpt,
        record.status,
        record.nextAttemptAt,
        record.endpointId,
        record.succeeded,
        record.disableAfterDays,
      ],
    );
    return row;
  }

  /** Ends a delivery without an attempt (its endpoint is disabled). */
  async fail(deliveryId: string, reason: string): Promise<void> {
    await this.query(`UPDATE webhook_delivery SET status = 'FAILED', next_attempt_at = NULL, last_error = $2 WHERE id = $1`, [
      deliveryId,
      reason,
    ]);
  }

  /** PENDING deliveries over overdueAfterMs past due: their job was lost, or their worker died mid-attempt. */
  overdue(limit: number, overdueAfterMs: number): Promise<QueuedDelivery[]> {
    return this.query<QueuedDelivery[]>(
      `SELECT id, attempt_count AS "attemptCount" FROM webhook_delivery
        WHERE status = 'PENDING' AND next_attempt_at < now() - make_interval(secs => $2)
        ORDER BY next_attempt_at LIMIT $1`,
      [limit, overdueAfterMs / 1000],
    );
  }

  /** Makes a delivery PENDING and due now (its payload and webhook-id stay); null when there is none. */
  async reset(deliveryId: string): Promise<QueuedDelivery | null> {
    const [rows] = await this.query<[QueuedDelivery[], number]>(
      `UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = now(), delivered_at = NULL WHERE id = $1
       RETURNING id, attempt_count AS "attemptCount"`,
      [deliveryId],
    );
    return rows[0] ?? null;
  }
}
