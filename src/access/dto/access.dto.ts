import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { User } from '../../identity/entities/user.entity';
import { Connection, IsFutureDate, UUIDScalar } from '@tessera/common';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { AccessGrant, GrantStatus } from '../entities/access-grant.entity';
import { SEARCH_COUNT_CAP } from '../registration-search.sql';

@ObjectType({ description: 'A page of access grants.' })
export class AccessGrantConnection extends Connection(AccessGrant) {
  // Only a search counts with a cap; every other list of grants counts exactly.
  @Field(() => Boolean, {
    description: `False when a search matches more grants than it counts (${SEARCH_COUNT_CAP}): totalCount is then that cap, a lower bound.`,
    middleware: [async (_context, next) => ((await next()) as boolean | undefined) ?? true],
  })
  totalCountIsExact?: boolean;
}

@InputType({ description: 'A code to redeem, as the person typed it.' })
export class RedeemCodeInput {
  @Field({ description: 'The code; case, spaces and hyphens do not matter.' })
  @IsString()
  @Length(1, 100)
  code: string;
}

@ObjectType({ description: 'The access the code gave.' })
export class RedeemCodePayload {
  @Field(() => AccessGrant, { description: 'The new access grant.' })
  grant: AccessGrant;
}

@InputType({ description: 'Narrows the registrations listed (and exported).' })
export class AccessGrantFilter {
  @Field(() => [GrantStatus], { nullable: true, description: 'Only these statuses (ACTIVE: in force now; EXPIRED: past their end).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsEnum(GrantStatus, { each: true })
  status?: GrantStatus[];

  @Field(() => UUIDScalar, { nullable: true, description: 'Only access to this product.' })
  @IsOptional()
  productId?: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Only this person.' })
  @IsOptional()
  userId?: string;

  @Field({ nullable: true, description: "Part of the code, the person's name or e-mail, the product, the role or a milestone key." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@ObjectType({ description: 'A milestone of the product and when the person reached it.' })
export class MilestoneProgress {
  @Field({ description: 'Key of the milestone.' })
  key: string;

  @Field({ description: 'Label of the milestone.' })
  label: string;

  @Field(() => Date, { nullable: true, description: 'When it was reached (none: not yet).' })
  completedAt: Date | null;
}

@InputType({ description: 'An access grant.' })
export class GrantIdInput {
  @Field(() => UUIDScalar, { description: 'The grant.' })
  grantId: string;
}

@InputType({ description: 'Access to end now.' })
export class RevokeAccessInput extends GrantIdInput {
  @Field({ nullable: true, description: 'Why (in the mail to the person; at most 1,000 characters).' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

@InputType({ description: 'A new end date for an access.' })
export class ExtendAccessInput extends GrantIdInput {
  @Field({ description: 'The new end (in the future).' })
  @IsFutureDate()
  endsAt: Date;
}

@InputType({ description: 'A milestone a person reached.' })
export class RecordMilestoneInput extends GrantIdInput {
  @Field({ description: "The milestone's key, one of the product's." })
  @IsString()
  @Length(1, 100)
  key: string;
}

@ObjectType({ description: 'The access grant after the change.' })
export class AccessGrantPayload {
  @Field(() => AccessGrant, { description: 'The grant.' })
  grant: AccessGrant;
}

@ObjectType({
  description:
    'A person, API key, client address or organisation that has used up the guessing budget for a while: wrong codes through redeemCode, ' +
    'registerWithCode, registrationCode, or import lines found in another organisation.',
})
export class RedemptionLockoutView {
  @Field({ description: 'The lock-out’s key (pass it to liftRedemptionLockout).' })
  key: string;

  @Field(() => User, {
    nullable: true,
    description: 'The person locked out (none: a client address, an API key or an organisation; the key says which).',
  })
  person: User | null;

  @Field(() => String, { nullable: true, description: 'The client address locked out (platform admins only).' })
  clientAddress: string | null;

  @Field(() => Int, { description: 'Distinct wrong guesses charged in the window (a refused attempt adds none).' })
  attempts: number;

  @Field(() => Int, { description: 'Seconds until the lock-out ends by itself.' })
  retryAfterSeconds: number;
}

@InputType({ description: 'A lock-out to lift.' })
export class LiftRedemptionLockoutInput {
  @Field({ description: 'The key from redemptionLockouts.' })
  @IsString()
  @Length(1, 300)
  key: string;
}

@ObjectType({ description: 'The lock-out is lifted.' })
export class LiftRedemptionLockoutPayload {
  @Field({ description: 'Always true: the person or address may try again now.' })
  lifted: boolean;
}

@ObjectType({ description: 'The participant of a contract a code was made for (workflow C).' })
export class GrantParticipant {
  @Field({ description: 'First name.' })
  firstName: string;

  @Field({ description: 'Last name.' })
  lastName: string;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'The booking system’s reference.' })
  externalReference: string | null;
}
