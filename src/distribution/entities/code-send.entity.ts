import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { User } from '../../identity/entities/user.entity';
import { Code } from '../../inventory/entities/code.entity';

/**
 * One sending of a code by e-mail. The rows are the code's full send history; the code itself
 * keeps only who it was sent to last. Recipient name and address are copied, so the history
 * still reads right after the person changes or leaves.
 */
@ObjectType({ description: 'One sending of a code by e-mail: to whom, with which message, by whom, and how the e-mail fared.' })
@Entity('code_send')
@Index('code_send_code_idx', ['codeId', 'id'])
// The latest send to each person of an organisation (the candidate list), newest first by id.
@Index('code_send_recipient_idx', ['organizationId', 'recipientUserId', 'id'])
export class CodeSend {
  @Field(() => UUIDScalar, { description: 'Id of the send.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation that holds the code.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'Id of the code sent (see `code`).' })
  @Column({ type: 'uuid' })
  codeId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Id of the user it was sent to (see `recipient`).' })
  @Column({ type: 'uuid', nullable: true })
  recipientUserId: string | null;

  @Field({ description: 'E-mail address it was sent to.' })
  @Column({ type: 'text' })
  recipientEmail: string;

  @Field({ description: 'Name of the person it was sent to, at the time.' })
  @Column({ type: 'text' })
  recipientName: string;

  @Field(() => String, { nullable: true, description: 'The message that went into the e-mail with the code.' })
  @Column({ type: 'text', nullable: true })
  message: string | null;

  /** For the organisation's admins only: never offered to any mail template. */
  @Field(() => String, { nullable: true, description: "Admins' note on this send. Never appears in any e-mail." })
  @Column({ type: 'text', nullable: true })
  adminComment: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'Id of the admin who sent it (see `sentBy`).' })
  @Column({ type: 'uuid', nullable: true })
  sentByUserId: string | null;

  @Field(() => UUIDScalar, {
    nullable: true,
    description: 'The e-mail in the delivery log (see `delivery`): named when sent, in the log moments later, once queued.',
  })
  // No foreign key: the message is queued after commit, by notifications reacting to CodeSent.
  @Column({ type: 'uuid', nullable: true })
  messageId: string | null;

  @Field({ description: 'When it was sent.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => Code, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'code_id' })
  code?: Code;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recipient_user_id' })
  recipientUser?: User;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sent_by_user_id' })
  sentByUser?: User;
}
