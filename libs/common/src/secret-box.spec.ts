import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a secret that is long enough for the test', 'mail-links');

  it('opens what it sealed, and the sealed form does not contain the value', () => {
    const sealed = box.seal('https://app.example/invitations/accept?token=abc123');
    expect(sealed).not.toContain('abc123');
    expect(box.open(sealed)).toBe('https://app.example/invitations/accept?token=abc123');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a value sealed under another secret or purpose, or changed', () => {
    const sealed = box.seal('value');
    expect(() => new SecretBox('another secret that is long enough', 'mail-links').open(sealed)).toThrow();
    expect(() => new SecretBox('a secret that is long enough for the test', 'other').open(sealed)).toThrow();
    expect(() => box.open(`${sealed.slice(0, -2)}AA`)).toThrow();
    expect(() => box.open('plain')).toThrow();
  });
});
