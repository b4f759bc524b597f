import { Field, Int, ObjectType } from '@nestjs/graphql';
import { CodeUnusableReason } from '../../access/code-usability';

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
