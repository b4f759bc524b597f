import { GraphQLScalarType, Kind } from 'graphql';

/** The calendar date a date-time string starts with: year, month, day. */
const DATE_PART = /^([+-]?\d{4,6})-(\d{2})-(\d{2})/;

/**
 * The moment a date-time string names. A day no calendar has (2026-02-30, 2026-13-01) or a value
 * that is not a string gives an invalid Date, which the inputs' date validation reports on the
 * field; `new Date` alone would move 2026-02-30 to 2 March, or read a number as milliseconds.
 */
export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') return new Date(NaN);
  const parts = DATE_PART.exec(value);
  if (parts) {
    const [year, month, day] = parts.slice(1).map(Number);
    const lastOfMonth = new Date(0);
    lastOfMonth.setUTCFullYear(year, month, 0);
    if (month < 1 || month > 12 || day < 1 || day > lastOfMonth.getUTCDate()) return new Date(NaN);
  }
  return new Date(value);
}

/** Nest's DateTime (same name and description, so the schema is unchanged), parsing strictly. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
