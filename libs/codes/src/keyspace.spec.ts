import { describeGuessRisk, guessRisk, smallestSafeRandomWidth } from './keyspace';

describe('guessRisk', () => {
  it('divides the live codes by the keyspace', () => {
    expect(guessRisk(29, 6, 42_000)).toEqual({
      alphabetSize: 29,
      randomWidth: 6,
      liveCodes: 42_000,
      keyspace: 594_823_321,
      chancePerGuess: 42_000 / 594_823_321,
    });
  });

  it('works in floating point beyond 2^53', () => {
    const risk = guessRisk(29, 20, 10_000_000);
    expect(risk.keyspace).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(risk.keyspace).toBeCloseTo(29 ** 20, -10);
    expect(risk.chancePerGuess).toBeCloseTo(1e7 / 29 ** 20, 30);
  });

  it('is zero without live codes', () => {
    expect(guessRisk(29, 6, 0).chancePerGuess).toBe(0);
  });

  it.each([
    [1, 6, 1],
    [29, -1, 1],
    [29, 6.5, 1],
    [29, 6, -1],
    [29, 6, 0.5],
  ])('refuses alphabetSize %p, randomWidth %p, liveCodes %p', (alphabetSize, width, liveCodes) => {
    expect(() => guessRisk(alphabetSize, width, liveCodes)).toThrow(RangeError);
  });
});

describe('smallestSafeRandomWidth', () => {
  it('finds the width of the worked example', () => {
    // 29^7 ≈ 1.7e10 gives 42,000 codes a 2.4e-6 chance; 29^8 ≈ 5.0e11 gives 8.4e-8.
    expect(smallestSafeRandomWidth(29, 42_000, 1e-6)).toBe(8);
  });

  // Powers of two are exact in floating point, so these boundaries are exact.
  it('accepts a chance exactly at the ceiling', () => {
    expect(smallestSafeRandomWidth(16, 16, 16 ** -4)).toBe(5);
  });

  it('needs one more symbol when the ceiling is a hair lower', () => {
    const justBelow = 16 ** -4 * (1 - Number.EPSILON);
    expect(justBelow).toBeLessThan(16 ** -4);
    expect(smallestSafeRandomWidth(16, 16, justBelow)).toBe(6);
  });

  it('starts at width 1', () => {
    expect(smallestSafeRandomWidth(29, 0, 1e-12)).toBe(1);
    expect(smallestSafeRandomWidth(29, 29, 1)).toBe(1);
    expect(smallestSafeRandomWidth(29, 30, 1)).toBe(2);
  });

  it('goes up to width 64 and returns null past it', () => {
    expect(smallestSafeRandomWidth(16, 1, 16 ** -64)).toBe(64);
    expect(smallestSafeRandomWidth(16, 2, 16 ** -64)).toBeNull();
    expect(smallestSafeRandomWidth(29, 1, 1e-100)).toBeNull();
  });

  it.each([0, -1e-6, 1.5, Number.NaN])('refuses a ceiling of %p', (ceiling) => {
    expect(() => smallestSafeRandomWidth(29, 1, ceiling)).toThrow(RangeError);
  });
});

describe('describeGuessRisk', () => {
  const risky = guessRisk(29, 6, 42_000);

  it('states the numbers and the width to use, counting the check character', () => {
    expect(describeGuessRisk(risky, 1e-6, 1)).toBe(
      '42,000 live codes of 6 random symbols from 29 give a 1 in 14,162 chance per guess; the limit is 1 in 1,000,000. ' +
        'Use a width of at least 9.',
    );
  });

  it('suggests the random width itself without a check character', () => {
    expect(describeGuessRisk(risky, 1e-6)).toMatch(/Use a width of at least 8\.$/);
  });

  it('says when the risk is within the limit', () => {
    expect(describeGuessRisk(guessRisk(29, 12, 1_000_000), 1e-6)).toBe(
      '1,000,000 live codes of 12 random symbols from 29 give a 1 in 353,814,783,205 chance per guess; the limit is 1 in 1,000,000. ' +
        'That is within the limit.',
    );
  });

  it('speaks of one code and one symbol in the singular', () => {
    expect(describeGuessRisk(guessRisk(29, 1, 1), 0.5)).toBe(
      '1 live code of 1 random symbol from 29 gives a 1 in 29 chance per guess; the limit is 1 in 2. That is within the limit.',
    );
  });

  it('says so when no allowed width is enough', () => {
    expect(describeGuessRisk(guessRisk(16, 6, 1_000_000), 1e-20, 1)).toMatch(
      /the limit is 1 in 100,000,000,000,000,000,000\. No width up to 20 is enough: generate fewer codes or use a larger alphabet\.$/,
    );
  });

  it('handles no live codes and more live codes than the keyspace', () => {
    expect(describeGuessRisk(guessRisk(29, 6, 0), 1e-6)).toMatch(/^0 live codes of 6 random symbols from 29 give no chance per guess/);
    expect(describeGuessRisk(guessRisk(16, 1, 20), 1e-6)).toMatch(/give a certain hit per guess/);
  });
});
