import { applyDecorators } from '@nestjs/common';
import { IsDate, MaxDate, MinDate, ValidateBy, type ValidationArguments } from 'class-validator';

const EARLIEST = new Date('1900-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

/** A date PostgreSQL can store and compare: years 1900–9999 (a year 10000 would fail the query). */
export function IsStorableDate(): PropertyDecorator {
  return applyDecorators(
    IsDate({ message: '$property must be a date' }),
    MinDate(EARLIEST, { message: '$property must be in 1900 or later' }),
    MaxDate(LATEST, { message: '$property must be before the year 10000' }),
  );
}

/** A storable date that has not passed yet (expiry of new codes). */
export function IsFutureDate(): PropertyDecorator {
  return applyDecorators(
    IsStorableDate(),
    MinDate(() => new Date(), { message: '$property must be in the future' }),
  );
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
        if (!(end instanceof Date) || !(start instanceof Date)) return true; // each is checked on its own
        return end.getTime() > start.getTime();
      },
      defaultMessage: () => `must be after ${startProperty}`,
    },
  });
}
