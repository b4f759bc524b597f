import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsName, IsStorableDate, UUIDScalar } from '@tessera/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { Price } from '../entities/price.entity';

export const PRICE_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const PRICE_CODE_MESSAGE = 'must be 1–32 upper-case letters, digits, _ or -, starting with a letter or digit (e.g. MENTEE)';
const MAX_AMOUNT_MINOR = 2_147_483_647;
const MAX_ACCESS_DAYS = 36_500;

/**
 * accessDays of a new price: a whole number of days, or left out when fixed access dates are given
 * (the service refuses both at once and checks the dates).
 */
function IsAccessDaysOfNewPrice(): PropertyDecorator {
  const inRange = (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ACCESS_DAYS;
  return ValidateBy({
    name: 'isAccessDaysOfNewPrice',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const { accessStartsAt, accessEndsAt } = args!.object as CreatePriceInput;
        return value == null ? accessStartsAt != null || accessEndsAt != null : inRange(value);
      },
      defaultMessage: (args?: ValidationArguments) =>
        args?.value == null
          ? 'is needed unless accessStartsAt and accessEndsAt are given'
          : `must be a whole number of days from 1 to ${MAX_ACCESS_DAYS}`,
    },
  });
}

const upperCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

@InputType({
  description:
    'A new price of a product. Access lasts accessDays from redemption, or from accessStartsAt to accessEndsAt: give one of the two.',
})
export class CreatePriceInput {
  @Field(() => UUIDScalar, { description: 'The product.' })
  productId: string;

  @Field({ description: 'Short code, unique within the product: upper-case letters, digits, _ or - (e.g. MENTEE).' })
  @Matches(PRICE_CODE_PATTERN, { message: PRICE_CODE_MESSAGE })
  priceCode: string;

  @Field({ description: 'Name.' })
  @IsName(200)
  name: string;

  @Field(() => Int, { nullable: true, description: 'Amount in minor units (cents); 0 or more. Default 0.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;

  @Field({ nullable: true, description: 'ISO 4217 currency code (e.g. EUR, the default).' })
  @IsOptional()
  @Transform(upperCase)
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code such as EUR' })
  currency?: string;

  @Field(() => Int, { nullable: true, description: `Days of access from redemption (1–${MAX_ACCESS_DAYS}); or give fixed access dates.` })
  @IsAccessDaysOfNewPrice()
  accessDays?: number;

  @Field(() => Date, { nullable: true, description: 'Fixed start of access (with accessEndsAt, instead of accessDays).' })
  @IsOptional()
  @IsStorableDate()
  accessStartsAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Fixed end of access, after accessStartsAt.' })
  @IsOptional()
  @IsStorableDate()
  accessEndsAt?: Date;

  @Field({ nullable: true, description: 'An order of two or more seats generates one registration code per seat. Default false.' })
  @IsOptional()
  @IsBoolean()
  generatesRegistrationCodes?: boolean;
}

@ObjectType({ description: 'The price created.' })
export class CreatePricePayload {
  @Field(() => Price, { description: 'The new price.' })
  price: Price;
}

@InputType({
  description:
    'Changes to a price; fields left out stay as they are. accessDays and the fixed access dates exclude each other: giving one clears the other.',
})
export class UpdatePriceInput {
  @Field(() => UUIDScalar, { description: 'The price.' })
  priceId: string;

  @Field({ nullable: true, description: 'New short code, unique within the product.' })
  @IsOptional()
  @Matches(PRICE_CODE_PATTERN, { message: PRICE_CODE_MESSAGE })
  priceCode?: string;

  @Field({ nullable: true, description: 'New name.' })
  @IsOptional()
  @IsName(200)
  name?: string;

  @Field(() => Int, { nullable: true, description: 'New amount in minor units (cents); 0 or more.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;

  @Field({ nullable: true, description: 'New ISO 4217 currency code.' })
  @IsOptional()
  @Transform(upperCase)
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code such as EUR' })
  currency?: string;

  @Field(() => Int, { nullable: true, description: 'Days of access from redemption (clears the fixed dates unless they are given too).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ACCESS_DAYS)
  accessDays?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Fixed start of access (with accessEndsAt; clears accessDays unless it is given too).',
  })
  @IsOptional()
  @IsStorableDate()
  accessStartsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Fixed end of access, after accessStartsAt.' })
  @IsOptional()
  @IsStorableDate()
  accessEndsAt?: Date | null;

  @Field({ nullable: true, description: 'Whether an order of two or more seats generates one registration code per seat.' })
  @IsOptional()
  @IsBoolean()
  generatesRegistrationCodes?: boolean;
}

@ObjectType({ description: 'The changed price.' })
export class UpdatePricePayload {
  @Field(() => Price, { description: 'The price after the change.' })
  price: Price;
}
