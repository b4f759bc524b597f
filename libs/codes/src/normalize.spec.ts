import { IMPORTED_CODE_PATTERN, displayCode, isWellFormedImportedCode, normalizeCode } from './normalize';

describe('normalizeCode', () => {
  it.each([
    ['lower case', 'acme-k7m2', 'ACMEK7M2'],
    ['mixed case', 'AcMe', 'ACME'],
    ['spaces around and inside', '  K7M2 Q9XB  ', 'K7M2Q9XB'],
    ['tabs and line breaks', '\tK7M2\nQ9XB\r\n', 'K7M2Q9XB'],
    ['non-breaking and ideographic spaces', 'K7M2\u00a0Q9XB\u3000', 'K7M2Q9XB'],
    ['hyphen-minus', 'K7M2-Q9XB-4R', 'K7M2Q9XB4R'],
    ['hyphen', 'K7M2\u2010Q9XB', 'K7M2Q9XB'],
    ['non-breaking hyphen', 'K7M2\u2011Q9XB', 'K7M2Q9XB'],
    ['en dash', 'K7M2\u2013Q9XB', 'K7M2Q9XB'],
    ['em dash', 'K7M2\u2014Q9XB', 'K7M2Q9XB'],
    ['full-width letters, digits and hyphen (NFKC)', 'ＡＣＭＥ－ｋ７ｍ２', 'ACMEK7M2'],
    ['everything at once', ' ａcme – k7m2\t—q9xb ', 'ACMEK7M2Q9XB'],
    ['the empty string', '', ''],
  ])('folds %s', (_label, typed, canonical) => {
    expect(normalizeCode(typed)).toBe(canonical);
  });

  it.each([
    ['underscores', 'K7M2_Q9XB', 'K7M2_Q9XB'],
    ['dots', 'K7M2.Q9XB', 'K7M2.Q9XB'],
    ['the minus sign', 'K7M2\u2212Q9XB', 'K7M2\u2212Q9XB'],
    ['zero-width spaces', 'K7M2\u200bQ9XB', 'K7M2\u200bQ9XB'],
  ])('keeps %s, so the code fails to match rather than silently changing', (_label, typed, kept) => {
    expect(normalizeCode(typed)).toBe(kept);
  });

  it('is idempotent', () => {
    const once = normalizeCode(' ａcme – k7m2 ');
    expect(normalizeCode(once)).toBe(once);
  });
});

describe('displayCode', () => {
  it.each([
    ['a prefix kept whole', 'ACMEK7M2Q9XB4R', { prefixLength: 4 }, 'ACME-K7M2-Q9XB-4R'],
    ['no prefix', 'K7M2Q9XB4R', undefined, 'K7M2-Q9XB-4R'],
    ['a prefix length of 0', 'K7M2Q9XB4R', { prefixLength: 0 }, 'K7M2-Q9XB-4R'],
    ['an exact number of groups', 'K7M2Q9XB', {}, 'K7M2-Q9XB'],
    ['groups of 3', 'ACMEK7M2Q9XB4R', { prefixLength: 4, groupSize: 3 }, 'ACME-K7M-2Q9-XB4-R'],
    ['a short prefix', 'XK7M2Q9XB', { prefixLength: 1 }, 'X-K7M2-Q9XB'],
    ['only a prefix', 'ACME', { prefixLength: 4 }, 'ACME'],
    ['a short code', 'K7', {}, 'K7'],
    ['the empty string', '', {}, ''],
  ])('groups a code with %s', (_label, canonical, options, display) => {
    expect(displayCode(canonical, options)).toBe(display);
  });

  it('turns back into the same canonical code', () => {
    expect(normalizeCode(displayCode('ACMEK7M2Q9XB4R', { prefixLength: 4 }))).toBe('ACMEK7M2Q9XB4R');
  });

  it.each([{ groupSize: 0 }, { groupSize: 2.5 }, { prefixLength: -1 }])('refuses %o', (options) => {
    expect(() => displayCode('K7M2Q9XB', options)).toThrow(RangeError);
  });
});

describe('isWellFormedImportedCode', () => {
  it.each([
    ['4 characters', 'AB12', true],
    ['64 characters', 'A'.repeat(64), true],
    ['look-alikes, which other systems may use', 'O0I1LUZ5', true],
    ['3 characters', 'AB1', false],
    ['65 characters', 'A'.repeat(65), false],
    ['lower case (not canonical)', 'ab12', false],
    ['a hyphen (not canonical)', 'AB-12', false],
    ['punctuation', 'AB12!', false],
    ['a trailing line break', 'AB12\n', false],
  ])('with %s: %s', (_label, canonical, expected) => {
    expect(isWellFormedImportedCode(canonical)).toBe(expected);
    expect(IMPORTED_CODE_PATTERN.test(canonical)).toBe(expected);
  });
});
