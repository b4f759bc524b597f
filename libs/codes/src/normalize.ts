// Whitespace (any Unicode space, tabs, line breaks) and the dashes people and word processors put
// between groups: hyphen-minus, hyphen, non-breaking hyphen, en dash, em dash. Nothing else is
// dropped, so a stray character still makes the code fail to match instead of silently vanishing.
const IGNORED_CHARACTERS = /[\s\-\u2010\u2011\u2013\u2014]/gu;

/** What a person typed → canonical: Unicode NFKC, upper-case, no whitespace or hyphen-like dashes. */
export function normalizeCode(input: string): string {
  // NFKC first: it folds full-width letters (ＡＢＣ) and full-width hyphens to ASCII before the rest.
  return input.normalize('NFKC').toUpperCase().replace(IGNORED_CHARACTERS, '');
}

/**
 * Canonical → display: the prefix kept whole, then the rest in groups of `groupSize` (default 4)
 * joined by hyphens. displayCode('ACMEK7M2Q9XB4R', { prefixLength: 4 }) === 'ACME-K7M2-Q9XB-4R'.
 */
export function displayCode(canonical: string, options: { prefixLength?: number; groupSize?: number } = {}): string {
  const { prefixLength = 0, groupSize = 4 } = options;
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`groupSize must be a positive integer; got ${groupSize}.`);
  if (!Number.isInteger(prefixLength) || prefixLength < 0) {
    throw new RangeError(`prefixLength must be a non-negative integer; got ${prefixLength}.`);
  }
  const groups: string[] = [];
  if (prefixLength > 0) groups.push(canonical.slice(0, prefixLength));
  for (let start = prefixLength; start < canonical.length; start += groupSize) {
    groups.push(canonical.slice(start, start + groupSize));
  }
  return groups.join('-');
}

/** Imported codes come from other systems: any A–Z0–9, 4 to 64 characters after normalisation. */
export const IMPORTED_CODE_PATTERN = /^[A-Z0-9]{4,64}$/;

export function isWellFormedImportedCode(canonical: string): boolean {
  return IMPORTED_CODE_PATTERN.test(canonical);
}
