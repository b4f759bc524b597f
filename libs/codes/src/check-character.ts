import { Alphabet, AlphabetError } from './alphabet';

/*
 * The check character makes the weighted sum of the whole code (body and check character, symbols
 * taken as their alphabet indices) divisible by p, the alphabet size:
 *
 *   sum over positions i of weight(i) × index(symbol i) ≡ 0 (mod p),   weight(i) = (i mod (p − 1)) + 1
 *
 * With p prime every weight 1..p−1 is invertible modulo p, so:
 * - changing one symbol by d ≢ 0 changes the sum by weight × d ≢ 0: every substitution is caught;
 * - swapping distinct neighbours a, b changes it by (weight(i) − weight(i + 1)) × (a − b), and adjacent
 *   weights always differ (even where the cycle wraps from p − 1 back to 1): every adjacent
 *   transposition is caught, including one between the last body symbol and the check character.
 */

export function checkCharacter(body: string, alphabet: Alphabet): string {
  requirePrimeAlphabet(alphabet);
  let weightedSum = 0;
  for (let position = 0; position < body.length; position++) {
    const index = alphabet.indexOf(body[position]);
    if (index === -1) {
      throw new RangeError(`${JSON.stringify(body[position])} is not a symbol of the alphabet ${alphabet.chars}.`);
    }
    weightedSum += checkWeight(position, alphabet.size) * index;
  }
  return alphabet.chars[checkSymbolIndex(weightedSum, body.length, alphabet.size)];
}

/** False for anything shorter than one body symbol plus the check character, or with a foreign symbol. */
export function hasValidCheckCharacter(bodyWithCheck: string, alphabet: Alphabet): boolean {
  requirePrimeAlphabet(alphabet);
  if (bodyWithCheck.length < 2) return false;
  let weightedSum = 0;
  for (let position = 0; position < bodyWithCheck.length; position++) {
    const index = alphabet.indexOf(bodyWithCheck[position]);
    if (index === -1) return false;
    weightedSum += checkWeight(position, alphabet.size) * index;
  }
  return weightedSum % alphabet.size === 0;
}

/** Weight of the symbol at `position` (0-based); exported for the generator's hot loop, not from the library. */
export function checkWeight(position: number, alphabetSize: number): number {
  return (position % (alphabetSize - 1)) + 1;
}

/** Index of the check symbol that, placed at `checkPosition`, brings the weighted sum to 0 mod p. */
export function checkSymbolIndex(bodyWeightedSum: number, checkPosition: number, alphabetSize: number): number {
  const needed = (alphabetSize - (bodyWeightedSum % alphabetSize)) % alphabetSize;
  return (needed * modularInverse(checkWeight(checkPosition, alphabetSize), alphabetSize)) % alphabetSize;
}

// p is at most 31 (A–Z0–9 has 36 symbols), so a search is cheaper to read than Fermat or Euclid.
function modularInverse(value: number, prime: number): number {
  for (let candidate = 1; candidate < prime; candidate++) {
    if ((value * candidate) % prime === 1) return candidate;
  }
  throw new RangeError(`${value} has no inverse modulo ${prime}.`);
}

function requirePrimeAlphabet(alphabet: Alphabet): void {
  if (!alphabet.supportsCheckCharacter) {
    throw new AlphabetError(`A check character needs an alphabet whose size is a prime number; this one has ${alphabet.size} symbols.`);
  }
}
