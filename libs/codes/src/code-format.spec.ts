import { Alphabet } from './alphabet';
import { checkCharacter } from './check-character';
import {
  type CodeFormat,
  CodeFormatError,
  MAX_PREFIX_LENGTH,
  MAX_WIDTH,
  MIN_WIDTH,
  matchesFormat,
  randomWidth,
  validateFormat,
} from './code-format';

const TWENTY_SYMBOLS = Alphabet.of('ABCDEFGHJKMNPQRSTVWX');
const format = (overrides: Partial<CodeFormat> = {}): CodeFormat => ({
  alphabet: Alphabet.DEFAULT,
  width: 12,
  prefix: '',
  checkCharacter: false,
  ...overrides,
});

describe('randomWidth', () => {
  it('leaves one position for the check character', () => {
    expect(randomWidth(format({ width: 12 }))).toBe(12);
    expect(randomWidth(format({ width: 12, checkCharacter: true }))).toBe(11);
  });
});

describe('validateFormat', () => {
  it.each([
    ['width', format({ width: MIN_WIDTH - 1 }), /from 6 to 20; got 5/],
    ['width', format({ width: MAX_WIDTH + 1 }), /from 6 to 20; got 21/],
    ['width', format({ width: 8.5 }), /whole number/],
    ['width', format({ width: Number.NaN }), /got NaN/],
    ['prefix', format({ prefix: 'A'.repeat(MAX_PREFIX_LENGTH + 1) }), /at most 12 characters/],
    ['prefix', format({ prefix: 'AC#ME' }), /only the letters A–Z and digits 0–9; got "AC#ME"/],
    ['prefix', format({ prefix: 'ACME_' }), /got "ACME_"/],
    ['checkCharacter', format({ alphabet: TWENTY_SYMBOLS, checkCharacter: true }), /prime number; this one has 20 symbols/],
  ])('refuses a bad %s', (field, badFormat, message) => {
    let caught: unknown;
    try {
      validateFormat(badFormat);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CodeFormatError);
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toMatchObject({ name: 'CodeFormatError', field });
    expect((caught as Error).message).toMatch(message);
  });

  it.each([MIN_WIDTH, MAX_WIDTH])('accepts width %i', (width) => {
    expect(validateFormat(format({ width })).width).toBe(width);
  });

  it('normalises the prefix and leaves the input untouched', () => {
    const input = format({ prefix: ' acme-2024 ' });
    expect(validateFormat(input)).toEqual({ ...input, prefix: 'ACME2024' });
    expect(input.prefix).toBe(' acme-2024 ');
  });

  it('measures the prefix after normalisation', () => {
    expect(validateFormat(format({ prefix: 'ABCD-EFGH-JKLM' })).prefix).toBe('ABCDEFGHJKLM');
  });

  it('allows prefix characters outside the alphabet, and no prefix at all', () => {
    expect(validateFormat(format({ prefix: 'ZOO10' })).prefix).toBe('ZOO10');
    expect(validateFormat(format({ prefix: '' })).prefix).toBe('');
  });

  it('allows a check character with a non-prime alphabet only when it is off', () => {
    expect(validateFormat(format({ alphabet: TWENTY_SYMBOLS })).checkCharacter).toBe(false);
  });
});

describe('matchesFormat', () => {
  const withCheck = format({ prefix: 'ACME', width: 8, checkCharacter: true });
  const body = 'K7M2Q9X';
  const code = `ACME${body}${checkCharacter(body, Alphabet.DEFAULT)}`;

  it('accepts a well-formed code', () => {
    expect(matchesFormat(code, withCheck)).toBe(true);
  });

  it('refuses every wrong check character', () => {
    for (const symbol of Alphabet.DEFAULT.chars) {
      if (symbol !== code.at(-1)) expect(matchesFormat(code.slice(0, -1) + symbol, withCheck)).toBe(false);
    }
  });

  it.each([
    ['too short', code.slice(0, -1)],
    ['too long', `${code}2`],
    ['without the prefix', code.slice(4)],
    ['with another prefix', `ACMF${code.slice(4)}`],
    ['not canonical (lower case)', code.toLowerCase()],
    ['not canonical (hyphens)', `ACME-${code.slice(4)}`],
    ['empty', ''],
  ])('refuses a code %s', (_label, candidate) => {
    expect(matchesFormat(candidate, withCheck)).toBe(false);
  });

  it('without a check character accepts any symbols of the alphabet, and only those', () => {
    const plain = format({ prefix: 'ACME', width: 8 });
    expect(matchesFormat('ACME22222222', plain)).toBe(true);
    expect(matchesFormat('ACMEYYYYYYYY', plain)).toBe(true);
    expect(matchesFormat('ACMEK7M2Q9X0', plain)).toBe(false);
    expect(matchesFormat('ACMEK7M2Q9XO', plain)).toBe(false);
  });

  it('compares against the normalised prefix', () => {
    expect(matchesFormat(code, { ...withCheck, prefix: 'acme' })).toBe(true);
  });
});
