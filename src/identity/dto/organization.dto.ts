import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsName } from '@tessera/common';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Organization } from '../entities/organization.entity';

@ObjectType({ description: 'A page of organisations.' })
export class OrganizationConnection extends Connection(Organization) {}

@InputType({ description: 'Narrows the organisations listed.' })
export class OrganizationFilter {
  @Field({ nullable: true, description: 'Part of the name or slug, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@InputType({ description: 'A new customer organisation.' })
export class CreateOrganizationInput {
  @Field({ description: 'Display name.' })
  @IsName(200)
  name: string;

  @Field({ nullable: true, description: 'Short unique name (lower case, digits, hyphens); made from the name when left out.' })
  @IsOptional()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be lower-case letters and digits, separated by single hyphens' })
  @Length(2, 48)
  slug?: string;
}

@ObjectType({ description: 'The organisation created.' })
export class CreateOrganizationPayload {
  @Field(() => Organization, { description: 'The new organisation.' })
  organization: Organization;
}
