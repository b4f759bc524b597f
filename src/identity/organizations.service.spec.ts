import { slugify } from './organizations.service';

describe('slugify', () => {
  it.each([
    ['Acme', 'acme'],
    ['Acme Corp', 'acme-corp'],
    ['Crème Brûlée Café', 'creme-brulee-cafe'],
    ['Ñandú Über Åsa', 'nandu-uber-asa'],
    ['Acme, Inc. — R&D!!', 'acme-inc-r-d'],
    ['a  --  b__c//d', 'a-b-c-d'],
    ['  --Acme--  ', 'acme'],
    ['2024 Cohort #3', '2024-cohort-3'],
    ['ＡＣＭＥ', 'acme'], // full-width letters fold under NFKD
  ])('slugifies %j as %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('keeps at most 48 characters', () => {
    const slug = slugify('word '.repeat(30));
    expect(slug.length).toBeLessThanOrEqual(48);
    expect(slug.startsWith('word-word-')).toBe(true);
    expect(slugify('x'.repeat(100))).toBe('x'.repeat(48));
  });

  it.each(['', '   ', '!!!', '---', '日本語', '🙂🙂'])('falls back to "organization" for %j', (name) => {
    expect(slugify(name)).toBe('organization');
  });
});
