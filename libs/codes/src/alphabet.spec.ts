import { Alphabet, AlphabetError, DEFAULT_ALPHABET_CHARS, MIN_ALPHABET_SIZE } from './alphabet';

const ALL_SYMBOLS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

describe('Alphabet', () => {
  it('defaults to 29 symbols without look-alikes', () => {
    expect(Alphabet.DEFAULT.chars).toBe(DEFAULT_ALPHABET_CHARS);
    expect(Alphabet.DEFAULT.size).toBe(29);
    expect(Alphabet.DEFAULT.supportsCheckCharacter).toBe(true);
    for (const lookAlike of ['0', 'O', '1', 'I', 'L', 'U', 'Z']) expect(Alphabet.DEFAULT.has(lookAlike)).toBe(false);
  });

  it('upper-cases the symbols it is given', () => {
    const alphabet = Alphabet.of('abcdefghjkmnpqrs');
    expect(alphabet.chars).toBe('ABCDEFGHJKMNPQRS');
    expect(alphabet.has('A')).toBe(true);
  });

  it.each([
    [MIN_ALPHABET_SIZE, false],
    [17, true],
    [19, true],
    [20, false],
    [23, true],
    [29, true],
    [31, true],
    [36, false],
  ])('with %i symbols supports a check character: %s', (size, expected) => {
    expect(Alphabet.of(ALL_SYMBOLS.slice(0, size)).supportsCheckCharacter).toBe(expected);
  });

  it.each([
    ['too few symbols', ALL_SYMBOLS.slice(0, MIN_ALPHABET_SIZE - 1), /at least 16 different symbols; this one has 15/],
    ['a repeated symbol', 'ABCDEFGHJKMNPQRSA', /symbol A appears more than once/],
    ['a repeat that differs only in case', 'ABCDEFGHJKMNPQRSa', /symbol A appears more than once/],
    ['a hyphen', 'ABCDEFGH-JKMNPQRS', /only the letters A–Z and digits 0–9; it contains "-"/],
    ['a space', 'ABCDEFGH JKMNPQRS', /it contains " "/],
    ['an accented letter', 'ABCDEFGHÉJKMNPQRS', /it contains "É"/],
    ['the empty string', '', /this one has 0/],
  ])('refuses %s', (_label, chars, message) => {
    expect(() => Alphabet.of(chars)).toThrow(AlphabetError);
    expect(() => Alphabet.of(chars)).toThrow(message);
  });

  it('is an Error with its own name', () => {
    const error = captureError(() => Alphabet.of('AB'));
    expect(error).toBeInstanceOf(Error);
    expect(error).toHaveProperty('name', 'AlphabetError');
  });

  it('finds the index of each symbol, and -1 for anything else', () => {
    [...DEFAULT_ALPHABET_CHARS].forEach((symbol, index) => expect(Alphabet.DEFAULT.indexOf(symbol)).toBe(index));
    // Lower case is absent: codes are matched in canonical form, normalised first.
    for (const other of ['0', 'Z', 'a', '', 'AB', '-', '€', '\u0000']) expect(Alphabet.DEFAULT.indexOf(other)).toBe(-1);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
