import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsEmailAddress, IsName } from '@tessera/common';
import { Transform, Type } from 'class-transformer';
import { IsString, Length, ValidateNested } from 'class-validator';
import { Organization } from '../entities/organization.entity';

export const MAX_ORGANIZATION_REFERENCE_LENGTH = 200;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

@InputType({ description: "The new organisation's first admin." })
export class ProvisionAdminInput {
  @Field({ description: 'E-mail address of the person.' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'First name (used when the account is created).' })
  @IsName(100)
  firstName: string;

  @Field({ description: 'Last name (used when the account is created).' })
  @IsName(100)
  lastName: string;
}

@InputType({
  description:
    'A customer to onboard. Sending the same externalReference again is safe: the organisation is made once, and a repeat changes nothing.',
})
export class ProvisionOrganizationInput {
  @Field({
    description: `The onboarding system's reference for the customer (1–${MAX_ORGANIZATION_REFERENCE_LENGTH} characters), unique on the platform.`,
  })
  @Transform(trimmed)
  @IsString()
  @Length(1, MAX_ORGANIZATION_REFERENCE_LENGTH)
  externalReference: string;

  @Field({ description: 'Display name of the organisation.' })
  @IsName(200)
  name: string;

  @Field(() => ProvisionAdminInput, {
    description:
      'Its first admin: a new address gets an account and a set-password e-mail; an existing account is handled as addMember does.',
  })
  @ValidateNested()
  @Type(() => ProvisionAdminInput)
  admin: ProvisionAdminInput;
}

@ObjectType({ description: 'The onboarded organisation.' })
export class ProvisionOrganizationPayload {
  @Field(() => Organization, { description: 'The organisation of the reference.' })
  organization: Organization;

  @Field({ description: 'Whether this call made it (false: it existed already, and nothing changed).' })
  created: boolean;
}
