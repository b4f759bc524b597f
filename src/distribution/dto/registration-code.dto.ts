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

@ObjectType({
  description:
    'The participant a code was made for, as much as whoever holds the code may see: a greeting and hints to pre-fill the form. ' +
    'The full details (last name, e-mail, phone, date of birth) are for the participant signed in and their organisation’s admins.',
})
export class RegistrationDetails {
  @Field({ description: 'First name, to greet them.' })
  firstName: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The e-mail address the organisation has, masked (first character and domain: a•••@example.test): the form asks for the address itself.',
  })
  emailHint: string | null;

  @Field(() => String, { nullable: true, description: 'The phone number the organisation has, masked to its last two digits (•••23).' })
  phoneHint: string | null;
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

  @Field(() => RegistrationDetails, {
    nullable: true,
    description: "For a participant's own code: a greeting and hints for the form (never their full details).",
  })
  participant: RegistrationDetails | null;
}
