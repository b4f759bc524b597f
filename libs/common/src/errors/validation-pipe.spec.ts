import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BadUserInputError, ErrorCode } from './app-error';
import { createValidationPipe, plainMessage } from './validation-pipe';

class AddressInput {
  @IsString()
  @IsNotEmpty()
  city: string;

  @IsString()
  postcode: string;
}

class PersonInput {
  @IsEmail()
  email: string;

  @IsString()
  @IsNotEmpty()
  firstName: string;
}

class RegisterInput {
  @IsEmail()
  email: string;

  @IsInt()
  @Min(1)
  @Max(100)
  seats: number;

  @IsOptional()
  @IsString()
  note?: string;

  @ValidateNested()
  @Type(() => AddressInput)
  address: AddressInput;

  @ValidateNested({ each: true })
  @ArrayMaxSize(3)
  @Type(() => PersonInput)
  people: PersonInput[];
}

/** One field, three rules: the kind, the form and the size of a code, in two orders. */
class KindFirstInput {
  @IsString()
  @Matches(/^[A-Z]+$/)
  @MaxLength(4)
  code: string;
}

class KindLastInput {
  @MaxLength(4)
  @Matches(/^[A-Z]+$/)
  @IsString()
  code: string;
}

const metadata: ArgumentMetadata = { type: 'body', metatype: RegisterInput, data: 'input' };

const valid = () => ({
  email: 'ada@example.com',
  seats: 3,
  address: { city: 'London', postcode: 'N1' },
  people: [{ email: 'grace@example.com', firstName: 'Grace' }],
});

async function rejectionOf(value: unknown): Promise<BadUserInputError> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error('expected the pipe to reject the input');
}

describe('createValidationPipe', () => {
  it('passes a valid input through as an instance of the class, nested ones included', async () => {
    const result = (await createValidationPipe().transform(valid(), metadata)) as RegisterInput;
    expect(result).toBeInstanceOf(RegisterInput);
    expect(result.address).toBeInstanceOf(AddressInput);
    expect(result.people[0]).toBeInstanceOf(PersonInput);
    expect(result).toEqual(valid());
  });

  it('reports every failing field, nested ones with dotted paths, as BAD_USER_INPUT', async () => {
    const error = await rejectionOf({
      email: 'not-an-email',
      seats: 0,
      address: { city: '', postcode: 7 },
      people: [
        { email: 'grace@example.com', firstName: 'Grace' },
        { email: 'nope', firstName: 'Linus' },
        { email: 'ken@example.com', firstName: '' },
      ],
    });

    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    const fields = error.fields.map((f) => f.field);
    expect([...new Set(fields)].sort()).toEqual([
      'address.city',
      'address.postcode',
      'email',
      'people.1.email',
      'people.2.firstName',
      'seats',
    ]);
    for (const f of error.fields) expect(f.message).toEqual(expect.any(String));
    expect(error.fields).toContainEqual({ field: 'seats', message: 'must not be less than 1' });
    expect(error.details).toEqual({ fields: error.fields });
    // The message names the fields too, for clients that only show `message`.
    expect(error.message).toContain('people.1.email');
  });

  it('reports one message per field: its kind before its range', async () => {
    const error = await rejectionOf({ ...valid(), seats: 'many' });
    // Not an integer, and so not within 1–100 either: only the first says anything.
    expect(error.fields).toEqual([{ field: 'seats', message: 'must be an integer number' }]);
  });

  it.each([
    ['kind written first', KindFirstInput],
    ['kind written last', KindLastInput],
  ])('reports the kind of a value before its form and size, whatever the order of the rules (%s)', async (_label, metatype) => {
    const pipe = createValidationPipe();
    const refusal = await pipe.transform({ code: 7 }, { type: 'body', metatype, data: 'input' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BadUserInputError);
    expect((refusal as BadUserInputError).fields).toEqual([{ field: 'code', message: 'must be a string' }]);
    const tooLong = await pipe.transform({ code: 'abcdefg' }, { type: 'body', metatype, data: 'input' }).catch((error: unknown) => error);
    expect((tooLong as BadUserInputError).fields).toEqual([{ field: 'code', message: 'must match /^[A-Z]+$/ regular expression' }]);
  });

  it('does not echo the rejected values', async () => {
    const error = await rejectionOf({ ...valid(), email: 'hunter2-secret' });
    expect(JSON.stringify(error.fields)).not.toContain('hunter2-secret');
  });

  it('refuses a NUL character and half a surrogate pair in any string, by path', async () => {
    const error = await rejectionOf({ ...valid(), note: 'a\u0000b', people: [{ email: 'grace@example.com', firstName: 'Gr\ud83d' }] });
    expect(error.fields).toHaveLength(2);
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { field: 'input.note', message: 'must not contain a NUL character' },
        { field: 'input.people.0.firstName', message: expect.stringContaining('valid Unicode') },
      ]),
    );
  });

  it('lets a whole emoji through', async () => {
    await expect(createValidationPipe().transform({ ...valid(), note: 'sailing 😀⛵' }, metadata)).resolves.toBeInstanceOf(RegisterInput);
  });

  it('scans input objects without a prototype, as graphql-js builds inline ones', async () => {
    const inline = Object.assign(Object.create(null) as object, valid(), { note: 'a\u0000b' });
    expect((await rejectionOf(inline)).fields).toEqual([{ field: 'input.note', message: 'must not contain a NUL character' }]);
  });
});

describe('plainMessage', () => {
  it.each([
    ['token', 'token must be longer than or equal to 1 characters', 'must not be empty'],
    ['name', 'name must be longer than or equal to 3 characters', 'must be at least 3 characters long'],
    ['name', 'name must be shorter than or equal to 200 characters', 'must be at most 200 characters long'],
    ['email', 'email must be an email', 'must be an email'],
    ['quantity', 'must be at most 2,000,000 per generation.', 'must be at most 2,000,000 per generation.'],
  ])('%s: "%s" → "%s"', (property, message, plain) => {
    expect(plainMessage(property, message)).toBe(plain);
  });
});
