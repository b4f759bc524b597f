import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsEmailAddress, IsName, UUIDScalar } from '@tessera/common';
import { IsEnum, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { MemberRole, Membership } from '../entities/membership.entity';

@ObjectType({ description: 'A page of memberships.' })
export class MembershipConnection extends Connection(Membership) {}

@InputType({ description: 'Narrows the members listed.' })
export class MemberFilter {
  @Field({ nullable: true, description: 'Part of the name or e-mail, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @Field(() => MemberRole, { nullable: true, description: 'Only members with this role.' })
  @IsOptional()
  @IsEnum(MemberRole)
  role?: MemberRole;
}

@InputType({ description: 'A person to connect to an organisation by e-mail; the account is created if there is none.' })
export class AddMemberInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field({ description: 'E-mail address of the person.' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'First name (used when the account is created).' })
  @IsName(100)
  firstName: string;

  @Field({ description: 'Last name (used when the account is created).' })
  @IsName(100)
  lastName: string;

  @Field(() => MemberRole, { defaultValue: MemberRole.MEMBER, description: 'Role in the organisation.' })
  @IsEnum(MemberRole)
  role: MemberRole;

  @Field({ nullable: true, description: 'Initial password for a new account (10–1024 characters). Never e-mailed.' })
  @IsOptional()
  @IsString()
  @Length(10, 1024, { message: 'must be 10 to 1024 characters long' })
  password?: string;
}

@ObjectType({ description: 'What came of adding a person.' })
export class AddMemberPayload {
  @Field(() => Membership, {
    nullable: true,
    description:
      'Null when an organisation adds a person: a new address is made an account and a member at once, an existing account is mailed ' +
      'an invitation to join (it joins when its owner accepts, signed in), and the answer does not say which. The membership itself ' +
      'for platform admins, who connect directly.',
  })
  membership: Membership | null;
}

@InputType({ description: 'An existing account to connect to an organisation.' })
export class ConnectUserInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The user.' })
  userId: string;

  @Field(() => MemberRole, { defaultValue: MemberRole.MEMBER, description: 'Role in the organisation.' })
  @IsEnum(MemberRole)
  role: MemberRole;
}

@ObjectType({ description: 'What came of connecting an account.' })
export class ConnectUserPayload {
  @Field(() => Membership, {
    nullable: true,
    description:
      'Null when an organisation connects an account: its owner is mailed an invitation to join and becomes a member on accepting it, ' +
      'signed in. The membership itself for platform admins, who connect directly.',
  })
  membership: Membership | null;
}

@InputType({ description: 'A new role for a member.' })
export class ChangeMemberRoleInput {
  @Field(() => UUIDScalar, { description: 'The membership.' })
  membershipId: string;

  @Field(() => MemberRole, { description: 'The new role.' })
  @IsEnum(MemberRole)
  role: MemberRole;
}

@ObjectType({ description: 'The changed membership.' })
export class ChangeMemberRolePayload {
  @Field(() => Membership, { description: 'The membership with its new role.' })
  membership: Membership;
}

@InputType({ description: 'A member to disconnect from their organisation (the account stays).' })
export class RemoveMemberInput {
  @Field(() => UUIDScalar, { description: 'The membership.' })
  membershipId: string;
}

@ObjectType({ description: 'The membership as it was before removal.' })
export class RemoveMemberPayload {
  @Field(() => Membership, { description: 'The removed membership.' })
  membership: Membership;
}

@InputType({ description: 'The token of an invitation to join an organisation, accepted by the invited person, signed in.' })
export class AcceptMembershipInvitationInput {
  @Field({ description: 'The `token` parameter of the link in the mail.' })
  @IsString()
  @Length(1, 200)
  token: string;
}

@ObjectType({ description: 'The membership the invitation made.' })
export class AcceptMembershipInvitationPayload {
  @Field(() => Membership, { description: 'The membership.' })
  membership: Membership;
}

@ObjectType({ description: 'What a link of an invitation to join is for (public: whoever holds the mailed link).' })
export class MembershipInvitationInfo {
  @Field({ description: 'The inviting organisation.' })
  organizationName: string;

  @Field({ description: 'The invited account: sign in as it to accept.' })
  email: string;

  @Field({ description: 'Whether it can still be accepted.' })
  canAccept: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Why it cannot be accepted any more (already accepted, expired); null while it can.',
  })
  closedReason: string | null;

  @Field({ description: 'When the link stops working.' })
  expiresAt: Date;
}
