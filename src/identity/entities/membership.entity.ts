import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';
import { User } from './user.entity';

export enum MemberRole {
  ORG_ADMIN = 'ORG_ADMIN',
  MEMBER = 'MEMBER',
}

registerEnumType(MemberRole, {
  name: 'MemberRole',
  description: 'What a member may do in their organisation.',
  valuesMap: {
    ORG_ADMIN: { description: 'Manages the organisation: members, codes, contracts, mail, API keys.' },
    MEMBER: { description: 'Connected to the organisation: may receive and redeem its codes.' },
  },
});

@ObjectType({ description: 'A user connected to an organisation, with their role there.' })
@Entity('membership')
@Index('membership_organization_user_key', ['organizationId', 'userId'], { unique: true })
@Index('membership_user_idx', ['userId'])
export class Membership {
  @Field(() => UUIDScalar, { description: 'Id of the membership.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The member.' })
  @Column({ type: 'uuid' })
  userId: string;

  @Field(() => MemberRole, { description: 'Role in the organisation.' })
  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' })
  role: MemberRole;

  @Field({ description: 'When the user was connected.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}
