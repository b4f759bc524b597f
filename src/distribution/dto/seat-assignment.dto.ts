import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsEmailAddress, IsName, UUIDScalar } from '@tessera/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { AccessGrant } from '../../access/entities/access-grant.entity';
import { User } from '../../identity/entities/user.entity';

/** People one assignment may take at once; larger lists go through the CSV upload. */
export const MAX_SEATS_PER_ASSIGNMENT = 500;

@InputType({ description: 'A person to give a seat to; the account is made if there is none.' })
export class SeatPersonInput {
  @Field({ description: 'E-mail address (any case).' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'First name (for a new account).' })
  @IsName(100)
  firstName: string;

  @Field({ description: 'Last name (for a new account).' })
  @IsName(100)
  lastName: string;

  @Field({
    nullable: true,
    description: 'Password for a new account (10–1024 characters); without one the person gets a set-password link. Never e-mailed.',
  })
  @IsOptional()
  @IsString()
  @Length(10, 1024, { message: 'must be 10 to 1024 characters long' })
  password?: string;
}

@InputType({ description: 'Seats to give: whose, which (a price or named codes) and to whom (new or existing people).' })
export class AssignSeatsInput {
  @Field(() => UUIDScalar, { description: 'The organisation whose seats are given.' })
  organizationId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Take free codes of this price (never-sent ones first). Give this or codeIds.' })
  @IsOptional()
  priceId?: string;

  @Field(() => [UUIDScalar], {
    nullable: true,
    description: 'Exactly these codes, one per person in order (a pending invitation’s seat too).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SEATS_PER_ASSIGNMENT)
  @IsUUID('all', { each: true, message: 'must be ids' })
  codeIds?: string[];

  @Field(() => [SeatPersonInput], { nullable: true, description: 'People by e-mail and name. Give this or userIds.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_ASSIGNMENT)
  @ValidateNested({ each: true })
  @Type(() => SeatPersonInput)
  people?: SeatPersonInput[];

  @Field(() => [UUIDScalar], { nullable: true, description: 'Existing members of the organisation.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_ASSIGNMENT)
  @IsUUID('all', { each: true, message: 'must be ids' })
  userIds?: string[];
}

@ObjectType({
  description:
    'One seat given. For a person named by e-mail who was not a member, `user` and `grant` are null whatever became of them: a new ' +
    'address is made an account with access at once (and a set-password link unless a password was given); an existing account ' +
    'is invited to join by the platform, the seat held until its owner accepts. The answer is the same, so no organisation learns ' +
    'whether an address has an account elsewhere.',
})
export class SeatAssignment {
  @Field({ description: 'The address the seat went to (lower case).' })
  email: string;

  @Field(() => User, { nullable: true, description: 'The person, when they were a member already (null otherwise: see the type).' })
  user: User | null;

  @Field(() => AccessGrant, {
    nullable: true,
    description: 'Their access, when they were a member already (null otherwise: see the type).',
  })
  grant: AccessGrant | null;
}

@ObjectType({ description: 'The seats given.' })
export class AssignSeatsPayload {
  @Field(() => [SeatAssignment], { description: 'One per person, in the order given.' })
  assignments: SeatAssignment[];

  @Field(() => Int, { nullable: true, description: 'Free seats of the price left afterwards (with priceId).' })
  seatsRemaining: number | null;
}
