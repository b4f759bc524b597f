import { MAX_WIDTH } from './code-format';

export interface GuessRisk {
  alphabetSize: number;
  randomWidth: number;
  liveCodes: number;
  /** alphabetSize ^ randomWidth as a float: beyond 2^53 it is approximate, which is fine for a risk. */
  keyspace: number;
  chancePerGuess: number;
}

const LARGEST_RANDOM_WIDTH = 64;

/** Chance that one random guess of the right shape hits one of `liveCodes` live codes. */
export function guessRisk(alphabetSize: number, randomWidth: number, liveCodes: number): GuessRisk {
  requireInteger('alphabetSize', alphabetSize, 2);
  requireInteger('randomWidth', randomWidth, 0);
  requireInteger('liveCodes', liveCodes, 0);
  const keyspace = alphabetSize ** randomWidth;
  return { alphabetSize, randomWidth, liveCodes, keyspace, chancePerGuess: liveCodes / keyspace };
}

/** Smallest random width in [1, 64] whose chance per guess stays at or under `ceiling`; null if none. */
export function smallestSafeRandomWidth(alphabetSize: number, liveCodes: number, ceiling: number): number | null {
  requireCeiling(ceiling);
  for (let width = 1; width <= LARGEST_RANDOM_WIDTH; width++) {
    if (guessRisk(alphabetSize, width, liveCodes).chancePerGuess <= ceiling) return width;
  }
  return null;
}

/**
 * One sentence with the numbers, shown verbatim in the API error, e.g. "42,000 live codes of 6 random
 * symbols from 29 give a 1 in 14,162 chance per guess; the limit is 1 in 1,000,000. Use a width of at
 * least 9." `widthOffset` (1 with a check character) turns the random width into the format's width.
 */
export function describeGuessRisk(risk: GuessRisk, ceiling: number, widthOffset = 0): string {
  requireCeiling(ceiling);
  const { alphabetSize, randomWidth, liveCodes, chancePerGuess } = risk;
  const situation =
    `${formatCount(liveCodes)} live ${plural(liveCodes, 'code', 'codes')} of ${randomWidth} random ` +
    `${plural(randomWidth, 'symbol', 'symbols')} from ${alphabetSize} ${plural(liveCodes, 'gives', 'give')} ${describeChance(chancePerGuess)} per guess; ` +
    `the limit is 1 in ${formatCount(1 / ceiling)}.`;
  if (chancePerGuess <= ceiling) return `${situation} That is within the limit.`;
  const safeRandomWidth = smallestSafeRandomWidth(alphabetSize, liveCodes, ceiling);
  if (safeRandomWidth === null || safeRandomWidth + widthOffset > MAX_WIDTH) {
    return `${situation} No width up to ${MAX_WIDTH} is enough: generate fewer codes or use a larger alphabet.`;
  }
  return `${situation} Use a width of at least ${safeRandomWidth + widthOffset}.`;
}

function describeChance(chance: number): string {
  if (chance === 0) return 'no chance';
  // More live codes than the keyspace holds: every guess of the right shape hits.
  if (chance >= 1) return 'a certain hit';
  return `a 1 in ${formatCount(1 / chance)} chance`;
}

const WHOLE_NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// Past 10^15 the float's digits are noise; show three significant ones.
const HUGE_NUMBER = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

function formatCount(value: number): string {
  return (value < 1e15 ? WHOLE_NUMBER : HUGE_NUMBER).format(value);
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function requireInteger(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer of at least ${minimum}; got ${value}.`);
  }
}

function requireCeiling(ceiling: number): void {
  if (!(ceiling > 0 && ceiling <= 1)) throw new RangeError(`The chance ceiling must be above 0 and at most 1; got ${ceiling}.`);
}
