import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsName, UUIDScalar } from '@tessera/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Product } from '../entities/product.entity';

export const MILESTONE_KEY_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const MAX_MILESTONES = 50;

@ObjectType({ description: 'A page of products.' })
export class ProductConnection extends Connection(Product) {}

@InputType({ description: 'Narrows the products listed.' })
export class ProductFilter {
  @Field({ nullable: true, description: 'Part of the name or description, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@InputType({ description: 'A progress milestone of a product.' })
export class MilestoneInput {
  @Field({ description: 'Stable key, lower_snake_case, unique within the product (e.g. assessment_completed).' })
  @Matches(MILESTONE_KEY_PATTERN, { message: 'must be lower_snake_case: lower-case letters and digits joined by single _' })
  @Length(1, 64)
  key: string;

  @Field({ description: 'Label shown to people (e.g. "Assessment completed").' })
  @IsName(200)
  label: string;
}

@InputType({ description: 'A new product: of an organisation (its admins), or of the platform catalogue (platform admins).' })
export class CreateProductInput {
  @Field(() => UUIDScalar, { nullable: true, description: 'The organisation that owns it; leave out for the platform catalogue.' })
  @IsOptional()
  ownerOrganizationId?: string | null;

  @Field({ description: 'Name.' })
  @IsName(200)
  name: string;

  @Field({ nullable: true, description: 'Description.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @Field(() => [MilestoneInput], { nullable: true, description: `Progress milestones, in order (at most ${MAX_MILESTONES}).` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MILESTONES)
  @ValidateNested({ each: true })
  @Type(() => MilestoneInput)
  milestones?: MilestoneInput[];
}

@ObjectType({ description: 'The product created.' })
export class CreateProductPayload {
  @Field(() => Product, { description: 'The new product.' })
  product: Product;
}

@InputType({ description: 'Changes to a product; fields left out stay as they are.' })
export class UpdateProductInput {
  @Field(() => UUIDScalar, { description: 'The product.' })
  productId: string;

  @Field({ nullable: true, description: 'New name.' })
  @IsOptional()
  @IsName(200)
  name?: string;

  @Field({ nullable: true, description: 'New description.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @Field(() => [MilestoneInput], { nullable: true, description: 'The milestones, replacing the whole list.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MILESTONES)
  @ValidateNested({ each: true })
  @Type(() => MilestoneInput)
  milestones?: MilestoneInput[];
}

@ObjectType({ description: 'The changed product.' })
export class UpdateProductPayload {
  @Field(() => Product, { description: 'The product after the change.' })
  product: Product;
}
