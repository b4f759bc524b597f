import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AccessGrant } from './access-grant.entity';

export enum GrantChangeKind {
  EXTENDED = 'EXTENDED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(GrantChangeKind, {
  name: 'GrantChangeKind',
  description: 'What happened to an access grant.',
  valuesMap: {
    EXTENDED: { description: 'An admin changed the end date.' },
    REVOKED: { description: 'An admin ended the access; the code went back to the pool.' },
    EXPIRED: { description: 'The end date passed.' },
  },
});

/** One change of a grant's dates or status: the history admins see. */
@ObjectType({ description: "A change of an access grant's dates or status." })
@Entity('grant_change')
@Index('grant_change_grant_idx', ['grantId', 'id'])
export class GrantChange {
  @Field(() => UUIDScalar, { description: 'Id of the change.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The grant.' })
  @Column({ type: 'uuid' })
  grantId: string;

  @Field(() => GrantChangeKind, { description: 'What happened.' })
  @Column({ type: 'enum', enum: GrantChangeKind, enumName: 'grant_change_kind' })
  kind: GrantChangeKind;

  @Field(() => Date, { nullable: true, description: 'The end date before the change (none: no end).' })
  @Column({ type: 'timestamptz', nullable: true })
  previousEndsAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'The end date after the change.' })
  @Column({ type: 'timestamptz', nullable: true })
  newEndsAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why (given by the admin).' })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'Who made the change (none: the system or an API key).' })
  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Field({ description: 'When.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => AccessGrant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id' })
  grant?: AccessGrant;
}
