import { containsPattern } from './search';

describe('containsPattern', () => {
  it.each([
    ['plain', 'acme', '%acme%'],
    ['percent', '50%', '%50\\%%'],
    ['underscore', 'a_b', '%a\\_b%'],
    ['backslash', 'a\\b', '%a\\\\b%'],
    ['all together', '\\%_', '%\\\\\\%\\_%'],
    ['repeated', '%%__', '%\\%\\%\\_\\_%'],
    ['empty', '', '%%'],
  ])('escapes %s', (_label, term, expected) => {
    expect(containsPattern(term)).toBe(expected);
  });

  it('leaves other characters, including quotes, to the bound parameter', () => {
    expect(containsPattern(`O'Brien [x] *`)).toBe(`%O'Brien [x] *%`);
  });
});
