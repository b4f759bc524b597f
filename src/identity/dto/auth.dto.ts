import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsEmailAddress } from '@tessera/common';
import { IsString, Length, MaxLength, MinLength } from 'class-validator';
import { Membership } from '../entities/membership.entity';
import { User } from '../entities/user.entity';

@InputType({ description: 'E-mail and password of an account.' })
export class LoginInput {
  @Field({ description: 'E-mail address (any case).' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'The password.' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(1024)
  password: string;
}

@ObjectType({ description: 'A bearer token for `Authorization: Bearer <accessToken>`.' })
export class LoginPayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @Field({ description: 'When the token stops working; sign in again then.' })
  expiresAt: Date;

  @Field(() => User, { description: 'The signed-in user.' })
  user: User;
}

@ObjectType({ description: 'The signed-in user and the organisations they belong to.' })
export class Viewer {
  @Field(() => User, { description: 'The account.' })
  user: User;

  @Field(() => [Membership], { description: 'Their memberships, one per organisation.' })
  memberships: Membership[];

  @Field({
    description:
      'Whether the address is proven (a mailed link used). An unverified account reaches only the organisation that made it; ' +
      'a set-password link (requestPasswordReset) proves it.',
  })
  emailVerified: boolean;
}

@InputType({ description: 'The token from a set-password link, and the new password.' })
export class SetPasswordInput {
  @Field({ description: 'The `token` parameter of the link.' })
  @IsString()
  @Length(1, 200)
  token: string;

  @Field({ description: 'The new password (10–1024 characters).' })
  @IsString()
  @Length(10, 1024, { message: 'must be 10 to 1024 characters long' })
  password: string;
}

@ObjectType({ description: 'The password is set and the person is signed in.' })
export class SetPasswordPayload extends LoginPayload {}

@InputType({ description: 'The address of an account that needs a (new) password.' })
export class RequestPasswordResetInput {
  @Field({ description: 'E-mail address (any case).' })
  @IsEmailAddress()
  email: string;
}

@ObjectType({ description: 'The request was taken; a link goes out if the address has an account.' })
export class RequestPasswordResetPayload {
  @Field({ description: 'Always true: the answer does not tell whether the address has an account.' })
  accepted: boolean;
}
