import { Field, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';

@ObjectType({ description: 'One HTTP attempt at a webhook delivery and what the endpoint answered.' })
@Entity('webhook_attempt')
@Index('webhook_attempt_delivery_idx', ['deliveryId', 'id'])
export class WebhookAttempt {
  @Field(() => UUIDScalar, { description: 'Id of the attempt.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The delivery it was an attempt at.' })
  @Column({ type: 'uuid' })
  deliveryId: string;

  @Field({ description: 'When the attempt was made.' })
  @Column({ type: 'timestamptz', default: () => 'now()' })
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status answered (null: no answer).' })
  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds.' })
  @Column({ type: 'integer' })
  durationMs: number;

  @Field(() => String, { nullable: true, description: 'A network error, timeout or refused target, in words (null when answered).' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => String, { nullable: true, description: "The start of the answer's body (at most 1 kB), as the endpoint sent it." })
  @Column({ type: 'text', nullable: true })
  responseExcerpt: string | null;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: WebhookDelivery;
}
