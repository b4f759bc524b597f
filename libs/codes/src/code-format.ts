import type { Alphabet } from './alphabet';
import { hasValidCheckCharacter } from './check-character';
import { normalizeCode } from './normalize';

export const MIN_WIDTH = 6;
export const MAX_WIDTH = 20;
export const MAX_PREFIX_LENGTH = 12;

const PREFIX_PATTERN = /^[A-Z0-9]*$/;

export interface CodeFormat {
  alphabet: Alphabet;
  /** Every character after the prefix, the check character included. */
  width: number;
  /** Canonical (see validateFormat); may be empty. */
  prefix: string;
  checkCharacter: boolean;
}

export type CodeFormatField = 'width' | 'prefix' | 'checkCharacter';

export class CodeFormatError extends Error {
  override readonly name = 'CodeFormatError';

  constructor(
    readonly field: CodeFormatField,
    message: string,
  ) {
    super(message);
  }
}

/** Width counts every character after the prefix, the check character included. */
export function randomWidth(format: CodeFormat): number {
  return format.width - (format.checkCharacter ? 1 : 0);
}

/** Throws CodeFormatError naming the bad field; returns the format with the prefix normalised. */
export function validateFormat(format: CodeFormat): CodeFormat {
  const { alphabet, width, checkCharacter } = format;
  if (!Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    throw new CodeFormatError('width', `The width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}; got ${width}.`);
  }
  const prefix = normalizeCode(format.prefix);
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new CodeFormatError('prefix', `The prefix may have at most ${MAX_PREFIX_LENGTH} characters; ${prefix} has ${prefix.length}.`);
  }
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new CodeFormatError('prefix', `The prefix may use only the letters A–Z and digits 0–9; got ${JSON.stringify(prefix)}.`);
  }
  if (checkCharacter && !alphabet.supportsCheckCharacter) {
    throw new CodeFormatError(
      'checkCharacter',
      `A check character needs an alphabet whose size is a prime number; this one has ${alphabet.size} symbols.`,
    );
  }
  return { alphabet, width, prefix, checkCharacter };
}

/**
 * Does this canonical code have the format's shape: prefix, then `width` symbols of the alphabet and,
 * with a check character, a valid one? Refuses a mistyped code before any database look-up.
 */
export function matchesFormat(canonicalCode: string, format: CodeFormat): boolean {
  const prefix = normalizeCode(format.prefix);
  if (canonicalCode.length !== prefix.length + format.width || !canonicalCode.startsWith(prefix)) return false;
  const rest = canonicalCode.slice(prefix.length);
  if (format.checkCharacter) return hasValidCheckCharacter(rest, format.alphabet);
  for (const symbol of rest) {
    if (!format.alphabet.has(symbol)) return false;
  }
  return true;
}
