import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsEmailAddress, IsName } from '@tessera/common';
import { IsString, Length } from 'class-validator';
import { User } from '../../identity/entities/user.entity';
import { AccessGrant } from '../entities/access-grant.entity';

@InputType({
  description:
    'A newcomer registers with a code: the new account’s details (for a participant’s code, `registrationCode` pre-fills them) and its password.',
})
export class RegisterWithCodeInput {
  @Field({ description: 'The code as typed (case, spaces and hyphens do not matter).' })
  @IsString()
  @Length(1, 100)
  code: string;

  @Field({
    description:
      'E-mail address of the new account (any case); also the sign-in name. Need not be the participant’s: the pre-filled address is a suggestion.',
  })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'First name (1–100 characters).' })
  @IsName(100)
  firstName: string;

  @Field({ description: 'Last name (1–100 characters).' })
  @IsName(100)
  lastName: string;

  @Field({ description: 'The new account’s password (10–1024 characters).' })
  @IsString()
  @Length(10, 1024, { message: 'must be 10 to 1024 characters long' })
  password: string;
}

@ObjectType({ description: 'The account is made, the code redeemed, and the person signed in.' })
export class RegisterWithCodePayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @Field({ description: 'When the token stops working; sign in again then.' })
  expiresAt: Date;

  @Field(() => User, { description: 'The new account.' })
  user: User;

  @Field(() => AccessGrant, { description: 'The access the code gave.' })
  grant: AccessGrant;
}
