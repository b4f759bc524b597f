import { csvSafe, undoCsvSafe } from './csv-safe';

describe('csvSafe', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('defuses %j with an apostrophe, and undoCsvSafe restores it', (value) => {
    expect(csvSafe(value)).toBe(`'${value}`);
    expect(undoCsvSafe(csvSafe(value))).toBe(value);
  });

  it('keeps a value that really starts with an apostrophe through the round trip', () => {
    expect(undoCsvSafe(csvSafe("'Tis"))).toBe("'Tis");
    expect(undoCsvSafe(csvSafe("'=quoted"))).toBe("'=quoted");
  });

  it.each(['Ada', "O'Neil", '', 'a=b'])('leaves %j alone, both ways', (value) => {
    expect(csvSafe(value)).toBe(value);
    expect(undoCsvSafe(value)).toBe(value);
  });

  it('writes nothing for missing values', () => {
    expect(csvSafe(null)).toBe('');
    expect(csvSafe(undefined)).toBe('');
  });
});
