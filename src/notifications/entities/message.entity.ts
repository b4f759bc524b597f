import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MessageKind } from '../message-kinds';

export enum MessageStatus {
  QUEUED = 'QUEUED',
  RETRYING = 'RETRYING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  description: 'Where a message is on its way.',
  valuesMap: {
    QUEUED: { description: 'Waiting to be sent.' },
    RETRYING: { description: 'A temporary failure (see lastError); it is tried again.' },
    SENT: { description: 'Accepted by the mail server; never sent again by a retry.' },
    FAILED: { description: 'Refused for good (see lastError); resendMessage tries again.' },
  },
});

@ObjectType({ description: 'One e-mail in the delivery log: to whom, what, and what became of it.' })
@Entity('message')
@Index('message_organization_idx', ['organizationId', 'id'])
// Recovery looks for overdue unfinished messages only.
@Index('message_recover_after_idx', ['recoverAfter'], { where: `status IN ('QUEUED', 'RETRYING')` })
@Index('message_event_recipient_key', ['eventId', 'recipient'], { unique: true, where: 'event_id IS NOT NULL' })
export class Message {
  @Field(() => UUIDScalar, { description: 'Id of the message.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The organisation it was sent for.' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Field(() => MessageKind, { description: 'Which kind of message.' })
  @Column({ type: 'enum', enum: MessageKind, enumName: 'message_kind' })
  kind: MessageKind;

  @Field({ description: 'E-mail address it goes to.' })
  @Column({ type: 'text' })
  recipient: string;

  @Field(() => String, { nullable: true, description: 'Subject as sent (known once rendered).' })
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Field(() => MessageStatus, { description: 'Where it is on its way.' })
  @Column({ type: 'enum', enum: MessageStatus, enumName: 'message_status', default: MessageStatus.QUEUED })
  status: MessageStatus;

  @Field(() => Int, { description: 'Sending attempts so far.' })
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Field(() => String, { nullable: true, description: 'The last failure, as the mail server put it.' })
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Field(() => String, { nullable: true, description: "The mail server's id for it." })
  @Column({ type: 'text', nullable: true })
  providerMessageId: string | null;

  /** The template variables, kept so a retry or a resend renders the same message. */
  @Column({ type: 'jsonb' })
  data: Record<string, any>;

  /** Variables that are secrets (links with a token), sealed with the app's key: a dump does not reveal them. */
  @Column({ type: 'text', nullable: true })
  sealedData: string | null;

  /** The event that caused it: with the recipient, one message per event and person. */
  @Column({ type: 'uuid', nullable: true })
  eventId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The code it concerns.' })
  @Column({ type: 'uuid', nullable: true })
  codeId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The invitation it concerns.' })
  @Column({ type: 'uuid', nullable: true })
  invitationId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The access grant it concerns.' })
  @Column({ type: 'uuid', nullable: true })
  grantId: string | null;

  /** While a worker sends it: another worker leaves it alone until then. */
  @Column({ type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  /**
   * Unless SENT or FAILED by then, the recovery round queues it again: its job may have been lost
   * (Redis lost its data, the inline queue stopped). Set when it is queued, when a sender claims
   * it and when a retry is scheduled; null once it is finished.
   */
  @Column({ type: 'timestamptz', nullable: true })
  recoverAfter: Date | null;

  @Field({ description: 'When it was queued.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the mail server accepted it.' })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Field({ description: 'When its status last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
