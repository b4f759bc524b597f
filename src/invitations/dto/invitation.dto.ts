import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection, IsEmailAddress, IsName, UUIDScalar } from '@tessera/common';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { AccessGrant } from '../../access/entities/access-grant.entity';
import { User } from '../../identity/entities/user.entity';
import { Invitation, InvitationStatus } from '../entities/invitation.entity';

/** Addresses one call may invite; larger lists go through the CSV upload. */
export const MAX_INVITATIONS_PER_CALL = 500;

@ObjectType({ description: 'A page of invitations.' })
export class InvitationConnection extends Connection(Invitation) {}

@InputType({ description: 'Narrows the invitations listed.' })
export class InvitationFilter {
  @Field(() => [InvitationStatus], { nullable: true, description: 'Only these statuses (EXPIRED: pending ones past their expiry too).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEnum(InvitationStatus, { each: true })
  status?: InvitationStatus[];

  @Field(() => UUIDScalar, { nullable: true, description: 'Only invitations for this seat (code).' })
  @IsOptional()
  codeId?: string;

  @Field({ nullable: true, description: 'Part of the invited address.' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  search?: string;
}

@InputType({ description: 'People to invite by e-mail: one new seat each from a price, or all for one seat (the first to accept wins).' })
export class InviteByEmailInput {
  @Field(() => UUIDScalar, { description: 'The inviting organisation (whose seats).' })
  organizationId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Hold one free code of this price per address. Give this or codeId.' })
  @IsOptional()
  priceId?: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Invite everyone for this one seat (e.g. someone else for a pending seat).' })
  @IsOptional()
  codeId?: string;

  @Field(() => [String], { description: `Addresses to invite (at most ${MAX_INVITATIONS_PER_CALL}).` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INVITATIONS_PER_CALL)
  @IsEmailAddress({ each: true })
  emails: string[];

  @Field({ nullable: true, description: 'Extra text for the mail (escaped; at most 2,000 characters).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

@ObjectType({ description: 'The invitations sent.' })
export class InviteByEmailPayload {
  @Field(() => [Invitation], { description: 'One per address, in the order given.' })
  invitations: Invitation[];

  @Field(() => Int, { nullable: true, description: 'Free seats of the price left afterwards (with priceId).' })
  seatsRemaining: number | null;
}

@InputType({ description: 'An invitation.' })
export class InvitationIdInput {
  @Field(() => UUIDScalar, { description: 'The invitation.' })
  invitationId: string;
}

@ObjectType({ description: 'The invitation after the change.' })
export class InvitationPayload {
  @Field(() => Invitation, { description: 'The invitation.' })
  invitation: Invitation;
}

@ObjectType({ description: 'A fresh link for a pending invitation; the old one no longer works.' })
export class CopyInvitationLinkPayload {
  @Field(() => Invitation, { description: 'The invitation (its expiry starts again).' })
  invitation: Invitation;

  @Field({ description: 'The accept link, to pass on by hand.' })
  url: string;
}

@ObjectType({ description: 'What an invitation link is for, for the accept page (public).' })
export class InvitationInfo {
  @Field(() => InvitationStatus, { description: 'Where the invitation stands (EXPIRED once past its expiry).' })
  status: InvitationStatus;

  @Field({ description: 'Whether acceptInvitation can still succeed.' })
  canAccept: boolean;

  @Field({ description: 'The invited address (the account is made or signed in with it).' })
  email: string;

  @Field({ description: 'Whether an account exists for the address: then accepting asks for its password.' })
  accountExists: boolean;

  @Field({ description: 'The inviting organisation.' })
  organizationName: string;

  @Field(() => String, { nullable: true, description: 'The product the seat gives access to.' })
  productName: string | null;

  @Field(() => String, { nullable: true, description: 'The extra text of the invitation.' })
  message: string | null;

  @Field({ description: 'When the link stops working.' })
  expiresAt: Date;
}

@InputType({ description: 'Accepting an invitation: new account details, or the password of the existing account.' })
export class AcceptInvitationInput {
  @Field({ description: 'The `token` parameter of the invitation link.' })
  @IsString()
  @Length(1, 200)
  token: string;

  @Field({ nullable: true, description: 'First name (for a new account).' })
  @IsOptional()
  @IsName(100)
  firstName?: string;

  @Field({ nullable: true, description: 'Last name (for a new account).' })
  @IsOptional()
  @IsName(100)
  lastName?: string;

  @Field({ description: 'A new password (10–1024 characters), or the existing account’s password.' })
  @IsString()
  @Length(1, 1024)
  password: string;
}

@ObjectType({ description: 'The seat is taken and the person signed in.' })
export class AcceptInvitationPayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @Field({ description: 'When the token stops working.' })
  expiresAt: Date;

  @Field(() => User, { description: 'The account.' })
  user: User;

  @Field(() => AccessGrant, { description: 'The access the seat gives.' })
  grant: AccessGrant;
}
