import { ValidateBy, type ValidationArguments } from 'class-validator';

const EARLIEST = new Date('1900-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/**
 * Why a value is not a date PostgreSQL can store and compare (years 1900–9999: a year 10000 would
 * fail the query), or undefined when it is one. One problem: a date that is not one is not also
 * "before 1900".
 */
export function storableDateProblem(value: unknown): string | undefined {
  if (!isValidDate(value)) return 'must be a date';
  if (value < EARLIEST) return 'must be in 1900 or later';
  if (value > LATEST) return 'must be before the year 10000';
  return undefined;
}

/** Why a value is not a storable date that has not passed yet, or undefined when it is one. */
export function futureDateProblem(value: unknown, now = new Date()): string | undefined {
  return storableDateProblem(value) ?? ((value as Date) < now ? 'must be in the future' : undefined);
}

/** A date PostgreSQL can store and compare. */
export function IsStorableDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isStorableDate',
    validator: {
      validate: (value: unknown) => storableDateProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => storableDateProblem(args?.value) ?? 'must be a date',
    },
  });
}

/** A storable date that has not passed yet (expiry of new codes). */
export function IsFutureDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isFutureDate',
    validator: {
      validate: (value: unknown) => futureDateProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => futureDateProblem(args?.value) ?? 'must be in the future',
    },
  });
}

/** The earliest time zone is 14 hours ahead of UTC: a date there is "today" somewhere. */
const EARLIEST_ZONE_AHEAD_MS = 14 * 3_600_000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why a YYYY-MM-DD string is not a date of birth, or undefined when it is one. */
export function birthDateProblem(value: unknown, now = new Date()): string | undefined {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match) return 'must be a date such as 1990-04-23';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return 'must be a date such as 1990-04-23';
  }
  if (date < EARLIEST) return 'must be in 1900 or later';
  const today = new Date(now.getTime() + EARLIEST_ZONE_AHEAD_MS).toISOString().slice(0, 10);
  if ((value as string) > today) return 'must not be in the future';
  return undefined;
}

/** A date of birth as YYYY-MM-DD: a real calendar day, from 1900 on, not in the future. */
export function IsBirthDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isBirthDate',
    validator: {
      validate: (value: unknown) => birthDateProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => birthDateProblem(args?.value) ?? 'must be a date of birth',
    },
  });
}

/**
 * The end of a range (a filter's `createdBefore`, say): after its start, `startProperty`, when
 * both are given. An inverted range matches nothing, which a caller would take for "no data".
 */
export function IsAfter(startProperty: string): PropertyDecorator {
  return ValidateBy({
    name: 'isAfter',
    constraints: [startProperty],
    validator: {
      validate: (end: unknown, args?: ValidationArguments) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[startProperty];
        if (!isValidDate(end) || !isValidDate(start)) return true; // each is checked on its own
        return end.getTime() > start.getTime();
      },
      defaultMessage: () => `must be after ${startProperty}`,
    },
  });
}
