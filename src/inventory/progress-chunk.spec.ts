import { PROGRESS_STEP_PERCENT, progressChunk } from './progress-chunk';

/** The percentages a run writes after each chunk (collisions aside), as recordStep computes them. */
function stepsOf(quantity: number): number[] {
  const chunk = progressChunk(quantity);
  const steps = [0];
  for (let done = 0; done < quantity;) {
    done = Math.min(quantity, done + chunk);
    steps.push(Math.floor((done / quantity) * 100));
  }
  return steps;
}

describe('progressChunk', () => {
  it.each([20, 21, 999, 1000, 2001, 10_001, 25_000, 50_000, 99_999, 100_000, 1_000_000, 2_000_000])(
    'moves the progress of %i codes by at most 5 % a chunk, in chunks of at most 50,000',
    (quantity) => {
      const steps = stepsOf(quantity);
      const moves = steps.slice(1).map((step, i) => step - steps[i]);
      expect(Math.max(...moves)).toBeLessThanOrEqual(PROGRESS_STEP_PERCENT);
      expect(steps.at(-1)).toBe(100);
      expect(progressChunk(quantity)).toBeLessThanOrEqual(50_000);
    },
  );

  it('moves fewer than 20 codes one at a time (each is more than 5 %)', () => {
    expect([1, 7, 19].map(progressChunk)).toEqual([1, 1, 1]);
  });

  it('cuts 50,000 codes into twenty chunks of 2,500', () => {
    expect(progressChunk(50_000)).toBe(2500);
    expect(stepsOf(50_000)).toEqual(Array.from({ length: 21 }, (_, i) => i * 5));
  });
});
