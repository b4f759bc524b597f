import { validate } from 'class-validator';
import { parseDateTime } from '../graphql/date-time.scalar';
import { birthDateProblem, IsAfter, IsBirthDate, IsFutureDate, IsStorableDate } from './dates';

class Participant {
  @IsBirthDate()
  dateOfBirth: unknown;
}

class Filter {
  createdAfter?: Date;

  @IsAfter('createdAfter')
  createdBefore?: Date;
}

class Order {
  @IsStorableDate()
  placedAt: unknown;

  @IsFutureDate()
  expiresAt: unknown;
}

/** Already 3 December east of UTC+10. */
const NOW = new Date('2026-12-02T16:00:00Z');

describe('dates of birth', () => {
  it.each(['1990-04-23', '1900-01-01', '2024-02-29', '2026-12-02', '2026-12-03'])('takes %s (on 2 December 2026, 16:00 UTC)', (date) => {
    expect(birthDateProblem(date, NOW)).toBeUndefined();
  });

  it.each([
    ['a day that has begun nowhere yet', '2026-12-04', 'must not be in the future'],
    ['next year', '2027-01-01', 'must not be in the future'],
    ['the year 9999', '9999-12-31', 'must not be in the future'],
    ['before 1900', '1899-12-31', 'must be in 1900 or later'],
    ['30 February', '2020-02-30', 'must be a date such as 1990-04-23'],
    ['29 February of a common year', '2023-02-29', 'must be a date such as 1990-04-23'],
    ['a time as well', '1990-04-23T00:00:00Z', 'must be a date such as 1990-04-23'],
    ['day first', '23-04-1990', 'must be a date such as 1990-04-23'],
    ['not a string', 19900423, 'must be a date such as 1990-04-23'],
  ])('refuses %s', (_label, value, message) => {
    expect(birthDateProblem(value, NOW)).toBe(message);
  });

  it('the decorator says why on the field', async () => {
    const errors = await validate(Object.assign(new Participant(), { dateOfBirth: '2999-01-01' }));
    expect(errors.map((error) => [error.property, Object.values(error.constraints ?? {})])).toEqual([
      ['dateOfBirth', ['must not be in the future']],
    ]);
  });
});

describe('storable and future dates', () => {
  const problems = async (placedAt: unknown, expiresAt: unknown) =>
    (await validate(Object.assign(new Order(), { placedAt, expiresAt }))).map((error) => [
      error.property,
      Object.values(error.constraints ?? {}),
    ]);

  it('takes a date from 1900 to 9999, and one in the future', async () => {
    expect(await problems(new Date('1900-01-01T00:00:00Z'), new Date(Date.now() + 60_000))).toEqual([]);
    expect(await problems(new Date('9999-12-31T00:00:00Z'), new Date('9999-12-31T00:00:00Z'))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a day no calendar has (as the DateTime scalar reads it)', parseDateTime('2030-02-30'), 'must be a date'],
    ['a number', 1_700_000_000_000, 'must be a date'],
    ['before 1900', new Date('1899-12-31T23:59:59Z'), 'must be in 1900 or later'],
    ['the year 10000', new Date('+010000-01-01T00:00:00Z'), 'must be before the year 10000'],
  ])('refuses %s with one message on each field', async (_label, value, message) => {
    expect(await problems(value, value)).toEqual([
      ['placedAt', [message]],
      ['expiresAt', [message]],
    ]);
  });

  it('refuses a date that has passed as an expiry', async () => {
    expect(await problems(new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'))).toEqual([
      ['expiresAt', ['must be in the future']],
    ]);
  });
});

describe('ranges', () => {
  const check = async (createdAfter?: string, createdBefore?: string) =>
    (
      await validate(
        Object.assign(new Filter(), {
          createdAfter: createdAfter ? new Date(createdAfter) : undefined,
          createdBefore: createdBefore ? new Date(createdBefore) : undefined,
        }),
      )
    ).map((error) => [error.property, Object.values(error.constraints ?? {})]);

  it('takes a range whose end is after its start, or either end alone', async () => {
    expect(await check('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual([]);
    expect(await check('2026-01-01T00:00:00Z', undefined)).toEqual([]);
    expect(await check(undefined, '2026-01-01T00:00:00Z')).toEqual([]);
  });

  it.each([
    ['inverted', '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['empty', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
  ])('refuses an %s range on its end', async (_label, start, end) => {
    expect(await check(start, end)).toEqual([['createdBefore', ['must be after createdAfter']]]);
  });

  it('leaves an end that is not a date to its own rule', async () => {
    expect(await check('2026-01-01T00:00:00Z', 'not a date')).toEqual([]);
  });
});
