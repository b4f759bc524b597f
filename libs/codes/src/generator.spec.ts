// The default import is the module object itself, so jest.spyOn can replace randomFillSync for the generator too.
import crypto from 'node:crypto';
import { Alphabet } from './alphabet';
import { type CodeFormat, CodeFormatError, matchesFormat } from './code-format';
import { CodeGenerator } from './generator';

const TWENTY_SYMBOLS = Alphabet.of('ABCDEFGHJKMNPQRSTVWX');
const THIRTY_ONE_SYMBOLS = Alphabet.of('ABCDEFGHJKLMNPQRSTUVWXYZ2345678');

/*
 * Chi-square critical values at p = 0.001 (upper tail), from the NIST/SEMATECH e-Handbook of
 * Statistical Methods, section 1.3.6.7.4 "Critical Values of the Chi-Square Distribution"; the same
 * to three decimals as scipy.stats.chi2.ppf(0.999, df). A fair generator still exceeds them once in
 * a thousand runs; modulo bias exceeds them by orders of magnitude (see the last test below).
 */
const CHI_SQUARE_CRITICAL_AT_P001: Record<number, number> = { 19: 43.82, 28: 56.892 };

/** Wilson–Hilferty: χ²(p) ≈ df × (1 − 2/(9 df) + z √(2/(9 df)))³, z the normal quantile at 1 − p. */
const wilsonHilferty = (df: number, z: number) => df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;

/*
 * The fairness test uses p = 10⁻⁶ (z = 4.7534), so a fair generator fails it about once in a
 * million runs, not once in a thousand: CI must not flake. Modulo bias still exceeds it many times over.
 */
const CHI_SQUARE_CRITICAL_AT_P1E6 = (df: number) => wilsonHilferty(df, 4.7534);

const SAMPLE_SYMBOLS = 2_000_000;

describe('CodeGenerator', () => {
  const formats: Array<[string, CodeFormat]> = [
    ['default alphabet, no prefix', { alphabet: Alphabet.DEFAULT, width: 12, prefix: '', checkCharacter: false }],
    ['default alphabet with prefix and check character', { alphabet: Alphabet.DEFAULT, width: 10, prefix: 'ACME', checkCharacter: true }],
    ['20 symbols at the smallest width', { alphabet: TWENTY_SYMBOLS, width: 6, prefix: 'EV24', checkCharacter: false }],
    ['31 symbols at the largest width', { alphabet: THIRTY_ONE_SYMBOLS, width: 20, prefix: 'ABCDEFGHIJKL', checkCharacter: true }],
  ];

  it.each(formats)('makes codes that match their format: %s', (_label, format) => {
    const codes = new CodeGenerator(format).generate(20_000);
    expect(codes).toHaveLength(20_000);
    for (const code of codes) {
      expect(code.startsWith(format.prefix)).toBe(true);
      expect(code).toHaveLength(format.prefix.length + format.width);
      if (!matchesFormat(code, format)) throw new Error(`${code} does not match its format`);
    }
  });

  it('normalises the prefix it is given', () => {
    const generator = new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 8, prefix: ' acme-24 ', checkCharacter: true });
    expect(generator.format.prefix).toBe('ACME24');
    expect(generator.next()).toMatch(/^ACME24[2-9A-HJKMNP-TV-Y]{8}$/);
  });

  it('validates its format', () => {
    expect(() => new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 5, prefix: '', checkCharacter: false })).toThrow(CodeFormatError);
    expect(() => new CodeGenerator({ alphabet: TWENTY_SYMBOLS, width: 8, prefix: '', checkCharacter: true })).toThrow(CodeFormatError);
  });

  it('makes 200,000 distinct codes of width 12', () => {
    const codes = new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 12, prefix: 'X', checkCharacter: true }).generate(200_000);
    expect(new Set(codes).size).toBe(200_000);
  });

  it('makes a million codes in one call (speed is measured in benchmarks, not here)', () => {
    const codes = new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 12, prefix: '', checkCharacter: false }).generate(1_000_000);
    expect(codes).toHaveLength(1_000_000);
    expect(codes[999_999]).toHaveLength(12);
  });

  it('makes nothing when asked for nothing, and refuses a bad count', () => {
    const generator = new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 12, prefix: '', checkCharacter: false });
    expect(generator.generate(0)).toEqual([]);
    for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => generator.generate(count)).toThrow(RangeError);
  });

  it('rejects random bytes that would bias the symbols, instead of folding them with modulo', () => {
    // 29 symbols: 8 × 29 = 232, so bytes 232–255 are rejected and byte b stands for symbol b mod 29.
    const bytes = [255, 232, 0, 231, 240, 28, 29, 250, 57, 1, 2, 3, 4, 5];
    const randomFillSync = jest.spyOn(crypto, 'randomFillSync').mockImplementation(<T>(buffer: T): T => {
      const view = buffer as unknown as Uint8Array;
      view.fill(255);
      view.set(bytes);
      return buffer;
    });
    try {
      const generator = new CodeGenerator({ alphabet: Alphabet.DEFAULT, width: 6, prefix: 'T', checkCharacter: false });
      // Accepted: 0 → '2', 231 → 231 − 203 = 28 → 'Y', 28 → 'Y', 29 → '2', 57 → 28 → 'Y', 1 → '3'.
      expect(generator.next()).toBe('T2YY2Y3');
      expect(randomFillSync).toHaveBeenCalledTimes(1);
    } finally {
      randomFillSync.mockRestore();
    }
  });

  describe.each([
    ['default 29-symbol alphabet', Alphabet.DEFAULT],
    // 256 = 12 × 20 + 16: naive modulo would favour the first 16 symbols by 13 : 12.
    ['20-symbol alphabet', TWENTY_SYMBOLS],
  ])('with the %s', (_label, alphabet) => {
    it(`draws every symbol equally often (chi-square over ${SAMPLE_SYMBOLS.toLocaleString('en-US')} symbols, p = 10⁻⁶)`, () => {
      const width = 20;
      const codes = new CodeGenerator({ alphabet, width, prefix: '', checkCharacter: false }).generate(SAMPLE_SYMBOLS / width);
      const counts = new Array<number>(alphabet.size).fill(0);
      for (const code of codes) for (const symbol of code) counts[alphabet.indexOf(symbol)]++;

      expect(counts.reduce((total, count) => total + count, 0)).toBe(SAMPLE_SYMBOLS);
      expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_CRITICAL_AT_P1E6(alphabet.size - 1));
    });
  });

  it('would catch modulo bias: naive `byte % 20` fails the same test', () => {
    const bytes = crypto.randomBytes(SAMPLE_SYMBOLS);
    const counts = new Array<number>(20).fill(0);
    for (const byte of bytes) counts[byte % 20]++;
    expect(chiSquare(counts)).toBeGreaterThan(5 * CHI_SQUARE_CRITICAL_AT_P1E6(19));
  });

  it.each([19, 28])('has a critical value for %i degrees of freedom that agrees with the Wilson–Hilferty approximation', (df) => {
    // z = 3.0902 is the normal quantile at 0.999: the formula is checked where the table has values.
    const approximation = wilsonHilferty(df, 3.0902);
    expect(Math.abs(approximation - CHI_SQUARE_CRITICAL_AT_P001[df]) / CHI_SQUARE_CRITICAL_AT_P001[df]).toBeLessThan(0.01);
  });
});

/** Pearson's statistic against equal expected counts. */
function chiSquare(counts: number[]): number {
  const expected = counts.reduce((total, count) => total + count, 0) / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}
