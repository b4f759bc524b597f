/** Codes are made and stored in chunks of at most this many: bounded memory. */
export const CHUNK = 50_000;
/** A background run moves its progress by at most this many percent at a time. */
export const PROGRESS_STEP_PERCENT = 5;

/**
 * The chunk of a background run: a PROGRESS_STEP_PERCENT share of the batch (so 20 chunks, 21 with
 * a remainder), each followed by one small UPDATE of the batch's progress, and at most CHUNK.
 * Below 20 codes, one code is more than a step: one at a time.
 */
export function progressChunk(quantity: number): number {
  return Math.max(1, Math.min(CHUNK, Math.floor((quantity * PROGRESS_STEP_PERCENT) / 100)));
}
