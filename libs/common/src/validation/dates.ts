import { applyDecorators } from '@nestjs/common';
import { IsDate, MaxDate, MinDate } from 'class-validator';

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
