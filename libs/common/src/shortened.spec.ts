import { shortened } from './shortened';

describe('shortened', () => {
  it('leaves a value of at most max characters alone', () => {
    expect(shortened('abc', 3)).toBe('abc');
  });

  it('cuts a longer value and marks the cut', () => {
    expect(shortened('abcdef', 3)).toBe('abc…');
  });

  it('does not cut an emoji in half', () => {
    const cut = shortened(`ab😀cd`, 3);
    expect(cut).toBe('ab…');
    expect(Buffer.from(cut).toString()).toBe(cut); // a lone surrogate would not survive UTF-8
  });

  it('keeps an emoji that ends exactly at the cut', () => {
    expect(shortened(`a😀cd`, 3)).toBe('a😀…');
  });
});
