/**
 * 29 symbols, a prime (so codes can carry a check character). Left out: 0/O, 1/I/L and U, as in
 * Crockford's Base32, and Z, which reads as 2 in many handwritten and printed fonts.
 */
export const DEFAULT_ALPHABET_CHARS = '23456789ABCDEFGHJKMNPQRSTVWXY';

/** Fewer symbols would need long codes for any useful keyspace. */
export const MIN_ALPHABET_SIZE = 16;

const ALLOWED_SYMBOL = /^[A-Z0-9]$/;

export class AlphabetError extends Error {
  override readonly name = 'AlphabetError';
}

export class Alphabet {
  static readonly DEFAULT: Alphabet = Alphabet.of(DEFAULT_ALPHABET_CHARS);

  readonly size: number;
  /** A check character needs a prime-sized alphabet (see check-character.ts). */
  readonly supportsCheckCharacter: boolean;
  // Indexed by char code: indexOf runs once per typed symbol on every look-up, so no string search.
  private readonly indexByCharCode: Int8Array;

  private constructor(readonly chars: string) {
    this.size = chars.length;
    this.supportsCheckCharacter = isPrime(chars.length);
    this.indexByCharCode = new Int8Array(128).fill(-1);
    for (let index = 0; index < chars.length; index++) this.indexByCharCode[chars.charCodeAt(index)] = index;
  }

  static of(chars: string): Alphabet {
    const upper = chars.toUpperCase();
    const symbols = [...upper];
    const outside = symbols.find((symbol) => !ALLOWED_SYMBOL.test(symbol));
    if (outside !== undefined) {
      throw new AlphabetError(`An alphabet may use only the letters A–Z and digits 0–9; it contains ${JSON.stringify(outside)}.`);
    }
    const repeated = symbols.find((symbol, index) => symbols.indexOf(symbol) !== index);
    if (repeated !== undefined) {
      throw new AlphabetError(`The symbol ${repeated} appears more than once in the alphabet.`);
    }
    if (symbols.length < MIN_ALPHABET_SIZE) {
      throw new AlphabetError(`An alphabet needs at least ${MIN_ALPHABET_SIZE} different symbols; this one has ${symbols.length}.`);
    }
    return new Alphabet(upper);
  }

  /** -1 when absent (also for anything that is not a single character). */
  indexOf(symbol: string): number {
    if (symbol.length !== 1) return -1;
    const charCode = symbol.charCodeAt(0);
    return charCode < 128 ? this.indexByCharCode[charCode] : -1;
  }

  has(symbol: string): boolean {
    return this.indexOf(symbol) !== -1;
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let divisor = 2; divisor * divisor <= n; divisor++) {
    if (n % divisor === 0) return false;
  }
  return true;
}
