import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: "Where one event's delivery to one endpoint stands.",
  valuesMap: {
    PENDING: { description: 'Not delivered yet; tried again at nextAttemptAt.' },
    DELIVERED: { description: 'The endpoint answered with a 2xx status.' },
    FAILED: { description: 'Given up after retrying for WEBHOOK_RETRY_FOR_HOURS (see lastError).' },
  },
});

/**
 * One event for one endpoint. The payload is the public event exactly as sent, built once, so
 * every retry posts the same body.
 */
@ObjectType({ description: "One event's delivery to one webhook endpoint, with its attempts." })
@Entity('webhook_delivery')
@Unique('webhook_delivery_endpoint_event_key', ['endpointId', 'eventId'])
@Index('webhook_delivery_endpoint_idx', ['endpointId', 'id'])
// The retry scan looks at pending deliveries only.
@Index('webhook_delivery_next_attempt_idx', ['nextAttemptAt'], { where: `status = 'PENDING'` })
@Check('webhook_delivery_status_check', `"status" IN ('PENDING', 'DELIVERED', 'FAILED')`)
export class WebhookDelivery {
  @Field(() => UUIDScalar, { description: 'Id of the delivery.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The endpoint it goes to.' })
  @Column({ type: 'uuid' })
  endpointId: string;

  @Field(() => UUIDScalar, { description: "The public event's id: the `webhook-id` header, the same on every attempt." })
  @Column({ type: 'uuid' })
  eventId: string;

  @Field({ description: 'The public event type, e.g. `code.redeemed`.' })
  @Column({ type: 'text' })
  eventType: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The organisation the event belongs to (null for a platform-wide event).' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  /** The public event as sent (a GraphQL field as JSON text, resolved beside the entity). */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  @Column({ type: 'text', default: WebhookDeliveryStatus.PENDING })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  @Column({ type: 'integer', default: 0 })
  attemptCount: number;

  @Field(() => Date, { nullable: true, description: 'When it is tried next (null once delivered or failed).' })
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer (null: no answer, or not tried yet).' })
  @Column({ type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'What went wrong on the last attempt, in words.' })
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When the endpoint accepted it.' })
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Field({ description: "When the delivery was made (the event reached the endpoint's queue)." })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpoint;
}
