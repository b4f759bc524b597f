import { parseDateTime } from './date-time.scalar';

describe('parseDateTime', () => {
  it.each([
    ['2026-03-02T10:00:00Z', '2026-03-02T10:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2026-12-31T23:30:00-02:00', '2027-01-01T01:30:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', '2026-02-29T00:00:00Z', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', 'yesterday'])(
    'gives an invalid date for %s',
    (text) => {
      expect(Number.isNaN(parseDateTime(text).getTime())).toBe(true);
    },
  );

  it.each([0, 1_700_000_000_000, true, null])('gives an invalid date for the non-string %p', (value) => {
    expect(Number.isNaN(parseDateTime(value).getTime())).toBe(true);
  });
});
