import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';

export enum WebhookDisabledReason {
  ADMIN = 'ADMIN',
  FAILING = 'FAILING',
}

registerEnumType(WebhookDisabledReason, {
  name: 'WebhookDisabledReason',
  description: 'Why a webhook endpoint receives nothing.',
  valuesMap: {
    ADMIN: { description: 'An admin disabled it.' },
    FAILING: { description: 'Its deliveries failed for too long (WEBHOOK_DISABLE_AFTER_DAYS); enabling it tries again.' },
  },
});

/**
 * Where an organisation (or, without one, the platform) wants events delivered. The signing
 * secrets are stored sealed and are never GraphQL fields: they are shown once, when made.
 */
@ObjectType({ description: 'An HTTPS address that receives signed event deliveries (Standard Webhooks).' })
@Entity('webhook_endpoint')
@Index('webhook_endpoint_organization_idx', ['organizationId', 'id'])
@Check('webhook_endpoint_disabled_reason_check', `"disabled_reason" IN ('ADMIN', 'FAILING')`)
export class WebhookEndpoint {
  @Field(() => UUIDScalar, { description: 'Id of the endpoint.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, {
    nullable: true,
    description: "The organisation whose events it receives; null for a platform endpoint, which receives every organisation's events.",
  })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Field({ description: 'The address deliveries are posted to.' })
  @Column({ type: 'text' })
  url: string;

  @Field({ description: 'What the endpoint is for, in the words of whoever set it up (may be empty).' })
  @Column({ type: 'text', default: '' })
  description: string;

  @Field(() => [String], { description: 'The public event types it receives; empty means all of them.' })
  @Column({ type: 'text', array: true, default: '{}' })
  eventTypes: string[];

  @Field({ description: 'Whether deliveries are made to it.' })
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Field(() => WebhookDisabledReason, { nullable: true, description: 'Why it is disabled (null while enabled).' })
  @Column({ type: 'text', nullable: true })
  disabledReason: WebhookDisabledReason | null;

  /** The `whsec_…` signing secret, sealed with SecretBox (purpose 'webhook-secret'). */
  @Column({ type: 'text' })
  secretSealed: string;

  /** The secret before the last rotation, still signed with until previousSecretExpiresAt. */
  @Column({ type: 'text', nullable: true })
  previousSecretSealed: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when deliveries are also signed with the secret before the last rotation (null: no such secret).',
  })
  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'The first failed attempt since the last successful one (null: not failing).' })
  @Column({ type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'Who created it (null for API keys and operators).' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Field({ description: 'When it was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When it was last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}
