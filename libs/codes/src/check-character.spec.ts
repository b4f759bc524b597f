import { randomInt } from 'node:crypto';
import { Alphabet, AlphabetError } from './alphabet';
import { checkCharacter, hasValidCheckCharacter } from './check-character';

const ALL_SYMBOLS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/*
 * The check is linear: whether an error is caught depends only on where it is and which symbols it
 * involves, never on the rest of the code. So trying every position with every pair of symbols is
 * exhaustive over all codes of that width; for short codes we also try literally every code.
 */

describe('checkCharacter', () => {
  it('makes the weighted sum divisible by the alphabet size (worked example)', () => {
    // 'A' is index 8 with weight 1; the check character at position 1 has weight 2.
    // 1×8 + 2×25 = 58 = 2×29, so the check symbol is index 25: 'V'.
    expect(checkCharacter('A', Alphabet.DEFAULT)).toBe('V');
    expect(hasValidCheckCharacter('AV', Alphabet.DEFAULT)).toBe(true);
  });

  it('is accepted back for random bodies of every width', () => {
    for (let bodyWidth = 1; bodyWidth <= 40; bodyWidth++) {
      for (let sample = 0; sample < 50; sample++) {
        const body = randomBody(Alphabet.DEFAULT, bodyWidth);
        expect(hasValidCheckCharacter(body + checkCharacter(body, Alphabet.DEFAULT), Alphabet.DEFAULT)).toBe(true);
      }
    }
  });

  it('refuses a body with a symbol outside the alphabet', () => {
    expect(() => checkCharacter('K7O2', Alphabet.DEFAULT)).toThrow(RangeError);
  });

  it('needs a prime-sized alphabet', () => {
    const twenty = Alphabet.of(ALL_SYMBOLS.slice(0, 20));
    expect(() => checkCharacter('ABCD', twenty)).toThrow(AlphabetError);
    expect(() => hasValidCheckCharacter('ABCD', twenty)).toThrow(AlphabetError);
  });
});

describe('hasValidCheckCharacter', () => {
  it('refuses codes too short to carry a check, and foreign symbols', () => {
    expect(hasValidCheckCharacter('', Alphabet.DEFAULT)).toBe(false);
    expect(hasValidCheckCharacter('2', Alphabet.DEFAULT)).toBe(false);
    expect(hasValidCheckCharacter('A0', Alphabet.DEFAULT)).toBe(false);
    expect(hasValidCheckCharacter('av', Alphabet.DEFAULT)).toBe(false);
  });

  it.each([1, 2, 3])('catches every substitution and adjacent transposition in every code with a %i-symbol body', (bodyWidth) => {
    const alphabet = Alphabet.DEFAULT;
    let codesTried = 0;
    for (const body of allBodies(alphabet, bodyWidth)) {
      const code = body + checkCharacter(body, alphabet);
      expect(hasValidCheckCharacter(code, alphabet)).toBe(true);
      for (const mistyped of [...substitutions(code, alphabet), ...adjacentTranspositions(code)]) {
        if (hasValidCheckCharacter(mistyped, alphabet)) throw new Error(`${mistyped} passed as a mistyping of ${code}`);
      }
      codesTried++;
    }
    expect(codesTried).toBe(alphabet.size ** bodyWidth);
  });

  describe.each([
    ['default (29)', Alphabet.DEFAULT],
    // Sizes below the width make the weights wrap from p − 1 back to 1 inside the code.
    ['17 symbols', Alphabet.of(ALL_SYMBOLS.slice(0, 17))],
    ['19 symbols', Alphabet.of(ALL_SYMBOLS.slice(0, 19))],
    ['31 symbols', Alphabet.of(ALL_SYMBOLS.slice(0, 31))],
  ])('with the %s alphabet', (_label, alphabet) => {
    it.each([6, 8, 12, 20])('catches every substitution at every position of a %i-character code', (width) => {
      for (let position = 0; position < width; position++) {
        for (let original = 0; original < alphabet.size; original++) {
          const code = validCodeWith(alphabet, width, new Map([[position, original]]));
          for (let replacement = 0; replacement < alphabet.size; replacement++) {
            if (replacement === original) continue;
            const mistyped = replaceAt(code, position, alphabet.chars[replacement]);
            if (hasValidCheckCharacter(mistyped, alphabet)) throw new Error(`${mistyped} passed as a mistyping of ${code}`);
          }
        }
      }
    });

    it.each([6, 8, 12, 20])('catches every adjacent transposition in a %i-character code', (width) => {
      for (let position = 0; position + 1 < width; position++) {
        for (let left = 0; left < alphabet.size; left++) {
          for (let right = 0; right < alphabet.size; right++) {
            if (left === right) continue;
            const code = validCodeWith(
              alphabet,
              width,
              new Map([
                [position, left],
                [position + 1, right],
              ]),
            );
            const mistyped = swapWithNext(code, position);
            if (hasValidCheckCharacter(mistyped, alphabet)) throw new Error(`${mistyped} passed as a mistyping of ${code}`);
          }
        }
      }
    });
  });

  it('catches a random substitution or transposition in 20,000 random 20-character codes', () => {
    const alphabet = Alphabet.DEFAULT;
    for (let sample = 0; sample < 20_000; sample++) {
      const body = randomBody(alphabet, 19);
      const code = body + checkCharacter(body, alphabet);

      const position = randomInt(20);
      const replacement = alphabet.chars[(alphabet.indexOf(code[position]) + 1 + randomInt(alphabet.size - 1)) % alphabet.size];
      expect(hasValidCheckCharacter(replaceAt(code, position, replacement), alphabet)).toBe(false);

      const swapAt = randomInt(19);
      if (code[swapAt] !== code[swapAt + 1]) expect(hasValidCheckCharacter(swapWithNext(code, swapAt), alphabet)).toBe(false);
    }
  });
});

function randomBody(alphabet: Alphabet, width: number): string {
  return Array.from({ length: width }, () => alphabet.chars[randomInt(alphabet.size)]).join('');
}

function* allBodies(alphabet: Alphabet, width: number): Generator<string> {
  if (width === 0) {
    yield '';
    return;
  }
  for (const rest of allBodies(alphabet, width - 1)) {
    for (const symbol of alphabet.chars) yield rest + symbol;
  }
}

function* substitutions(code: string, alphabet: Alphabet): Generator<string> {
  for (let position = 0; position < code.length; position++) {
    for (const symbol of alphabet.chars) if (symbol !== code[position]) yield replaceAt(code, position, symbol);
  }
}

function* adjacentTranspositions(code: string): Generator<string> {
  for (let position = 0; position + 1 < code.length; position++) {
    if (code[position] !== code[position + 1]) yield swapWithNext(code, position);
  }
}

/**
 * A valid code (check character included) of `width` symbols holding the given symbol indices at the
 * given positions, anywhere including the check position: the rest is random except one free
 * position, solved so the code checks out. Written independently of the implementation on purpose.
 */
function validCodeWith(alphabet: Alphabet, width: number, fixed: Map<number, number>): string {
  const p = alphabet.size;
  const weight = (position: number) => (position % (p - 1)) + 1;
  const indices = Array.from({ length: width }, (_, position) => fixed.get(position) ?? randomInt(p));
  const free = [...Array(width).keys()].find((position) => !fixed.has(position));
  if (free === undefined) throw new Error('no free position');
  indices[free] = 0;
  const sum = indices.reduce((total, index, position) => total + weight(position) * index, 0);
  // Smallest x with sum + weight(free) × x ≡ 0 (mod p); one exists because p is prime.
  indices[free] = [...Array(p).keys()].find((x) => (sum + weight(free) * x) % p === 0)!;
  const code = indices.map((index) => alphabet.chars[index]).join('');
  if (!hasValidCheckCharacter(code, alphabet)) throw new Error(`built an invalid code ${code}`);
  return code;
}

function replaceAt(code: string, position: number, symbol: string): string {
  return code.slice(0, position) + symbol + code.slice(position + 1);
}

function swapWithNext(code: string, position: number): string {
  return code.slice(0, position) + code[position + 1] + code[position] + code.slice(position + 2);
}
