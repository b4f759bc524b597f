import { randomFillSync } from 'node:crypto';
import { checkSymbolIndex, checkWeight } from './check-character';
import { type CodeFormat, randomWidth, validateFormat } from './code-format';

// One CSPRNG call per 64 KiB: a call per symbol would cost far more than the symbols themselves.
const RANDOM_POOL_BYTES = 64 * 1024;
// Codes are written into one byte buffer per batch; batches keep memory flat for any count.
const CODES_PER_BATCH = 16 * 1024;

export class CodeGenerator {
  readonly format: CodeFormat;
  private readonly randomSymbolCount: number;
  private readonly codeLength: number;
  private readonly prefixBytes: Buffer;
  private readonly symbolBytes: Uint8Array;
  /** Bytes at or above this are rejected: accepting them would make the first symbols more likely (modulo bias). */
  private readonly acceptBelow: number;
  private readonly weights: Uint8Array;
  /** Check symbol index for each residue of the body's weighted sum; empty without a check character. */
  private readonly checkIndexByResidue: Uint8Array;
  private readonly randomPool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
  private randomPoolPosition = RANDOM_POOL_BYTES;

  constructor(format: CodeFormat) {
    this.format = validateFormat(format);
    const { alphabet, prefix, width, checkCharacter } = this.format;
    this.randomSymbolCount = randomWidth(this.format);
    this.codeLength = prefix.length + width;
    this.prefixBytes = Buffer.from(prefix, 'latin1');
    this.symbolBytes = Buffer.from(alphabet.chars, 'latin1');
    this.acceptBelow = Math.floor(256 / alphabet.size) * alphabet.size;
    this.weights = Uint8Array.from({ length: this.randomSymbolCount }, (_, position) => checkWeight(position, alphabet.size));
    this.checkIndexByResidue = checkCharacter
      ? Uint8Array.from({ length: alphabet.size }, (_, residue) => checkSymbolIndex(residue, this.randomSymbolCount, alphabet.size))
      : new Uint8Array(0);
  }

  /** One canonical code: prefix + random symbols (+ check character). */
  next(): string {
    return this.generate(1)[0];
  }

  /** `count` canonical codes; repeats are possible in principle, the inventory removes collisions. */
  generate(count: number): string[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer; got ${count}.`);
    const codes = new Array<string>(count);
    const batch = Buffer.allocUnsafe(Math.min(count, CODES_PER_BATCH) * this.codeLength);
    for (let batchStart = 0; batchStart < count; batchStart += CODES_PER_BATCH) {
      const batchSize = Math.min(CODES_PER_BATCH, count - batchStart);
      this.fillBatch(batch, batchSize);
      for (let offset = 0; offset < batchSize; offset++) {
        const start = offset * this.codeLength;
        codes[batchStart + offset] = batch.toString('latin1', start, start + this.codeLength);
      }
    }
    return codes;
  }

  private fillBatch(batch: Buffer, batchSize: number): void {
    const { symbolBytes, acceptBelow, weights, checkIndexByResidue, prefixBytes, randomSymbolCount } = this;
    const alphabetSize = symbolBytes.length;
    const withCheck = checkIndexByResidue.length > 0;
    const pool = this.randomPool;
    let poolPosition = this.randomPoolPosition;
    let out = 0;
    for (let code = 0; code < batchSize; code++) {
      out += prefixBytes.copy(batch, out);
      let weightedSum = 0;
      for (let position = 0; position < randomSymbolCount; position++) {
        let randomByte: number;
        do {
          if (poolPosition === RANDOM_POOL_BYTES) {
            randomFillSync(pool);
            poolPosition = 0;
          }
          randomByte = pool[poolPosition++];
        } while (randomByte >= acceptBelow);
        const symbolIndex = randomByte % alphabetSize;
        batch[out++] = symbolBytes[symbolIndex];
        weightedSum += weights[position] * symbolIndex;
      }
      if (withCheck) batch[out++] = symbolBytes[checkIndexByResidue[weightedSum % alphabetSize]];
    }
    this.randomPoolPosition = poolPosition;
  }
}
