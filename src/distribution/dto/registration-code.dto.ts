import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum CodeUnusableReason {
  NOT_FOUND = 'NOT_FOUND',
  REDEEMED = 'REDEEMED',
  VOID = 'VOID',
  EXPIRED = 'EXPIRED',
  HELD_BY_INVITATION = 'HELD_BY_INVITATION',
  CONTRACT_NOT_ACTIVE = 'CONTRACT_NOT_ACTIVE',
}

registerEnumType(CodeUnusableReason, {
  name: 'CodeUnusableReason',
  description: 'Why a code cannot be used to register.',
  valuesMap: {
    NOT_FOUND: { description: 'No such code (check for typos).' },
    REDEEMED: { description: 'The code has been used.' },
    VOID: { description: 'The code was withdrawn.' },
    EXPIRED: { description: 'The code has expired.' },
    HELD_BY_INVITATION: { description: 'The code belongs to an invitation: use the invitation link instead.' },
    CONTRACT_NOT_ACTIVE: { description: 'The contract behind the code has not started, has ended or is archived.' },
  },
});

@ObjectType({ description: 'What a code gives access to (public fields only).' })
export class RegistrationProduct {
  @Field({ description: 'Name of the product.' })
  name: string;

  @Field({ description: 'Description of the product.' })
  description: string;
}

@ObjectType({ description: 'The terms a code gives access on (public fields only).' })
export class RegistrationPrice {
  @Field({ description: 'Name of the price.' })
  name: string;

  @Field(() => Int, { nullable: true, description: 'Days of access from registration.' })
  accessDays: number | null;
}

@ObjectType({ description: 'The participant a code was made for: details to pre-fill the registration form.' })
export class RegistrationDetails {
  @Field({ description: 'First name.' })
  firstName: string;

  @Field({ description: 'Last name.' })
  lastName: string;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth (YYYY-MM-DD).' })
  dateOfBirth: string | null;
}

@ObjectType({ description: 'Whether a code can be used to register, and what for. Says nothing else about its organisation.' })
export class RegistrationCodeInfo {
  @Field({ description: 'The code as Tessera stores it (upper case, no spaces or hyphens).' })
  code: string;

  @Field({ description: 'True when the code can be used to register now.' })
  usable: boolean;

  @Field(() => CodeUnusableReason, { nullable: true, description: 'Why not, when it cannot.' })
  reason: CodeUnusableReason | null;

  @Field(() => RegistrationProduct, { nullable: true, description: 'What it gives access to (usable codes only).' })
  product: RegistrationProduct | null;

  @Field(() => RegistrationPrice, { nullable: true, description: 'On what terms (usable codes only).' })
  price: RegistrationPrice | null;

  @Field(() => RegistrationDetails, { nullable: true, description: "For a participant's own code: their details, to pre-fill the form." })
  participant: RegistrationDetails | null;
}
