import { validate } from 'class-validator';
import { emailAddressProblem, isNotBlank, IsEmailAddress, IsName } from './text';

class Person {
  @IsEmailAddress()
  email: unknown;

  @IsName(100)
  firstName: unknown;
}

class Invitation {
  @IsEmailAddress({ each: true })
  emails: unknown[];
}

const problemsOf = async (object: object) =>
  (await validate(object)).map((error) => ({ field: error.property, messages: Object.values(error.constraints ?? {}) }));

const person = (email: unknown, firstName: unknown = 'Ada') => Object.assign(new Person(), { email, firstName });

describe('e-mail addresses', () => {
  it.each(['ada@example.test', 'Ada.Lovelace+tessera@example.co.uk', 'zoë@example.test'])('takes %j', (email) => {
    expect(emailAddressProblem(email)).toBeUndefined();
  });

  it.each([
    ['a right-to-left override', 'ad\u202Egnp.lim@example.test', 'U+202E'],
    ['a zero-width space', 'ada\u200B@example.test', 'U+200B'],
    ['a zero-width joiner', 'a\u200Dda@example.test', 'U+200D'],
    ['a left-to-right isolate', 'ada@\u2066example.test', 'U+2066'],
    ['a right-to-left mark', 'ada@example.test\u200F', 'U+200F'],
    ['an Arabic letter mark', 'ada\u061C@example.test', 'U+061C'],
    ['a byte-order mark', '\uFEFFada@example.test', 'U+FEFF'],
    ['a soft hyphen', 'ad\u00ADa@example.test', 'U+00AD'],
    ['a word joiner', 'ada@exa\u2060mple.test', 'U+2060'],
    ['a no-break space', 'ada\u00A0@example.test', 'U+00A0'],
    ['a Hangul filler', 'ada\u3164@example.test', 'U+3164'],
    ['a control character', 'ada\u0007@example.test', 'U+0007'],
    ['a combining grapheme joiner', 'ad\u034Fa@rt.test', 'U+034F'],
    ['a combining grapheme joiner in the domain', 'ada@rt\u034F.test', 'U+034F'],
    ['a variation selector', 'ada\uFE0F@rt.test', 'U+FE0F'],
    ['a Mongolian variation selector', 'ada\u180B@rt.test', 'U+180B'],
    ['an ideographic variation selector', 'ada\u{E0100}@rt.test', 'U+E0100'],
    ['a tag character', 'ada\u{E0041}@rt.test', 'U+E0041'],
    ['a halfwidth Hangul filler', 'ada\uFFA0@rt.test', 'U+FFA0'],
  ])('refuses an address with %s, naming the character', (_label, email, character) => {
    expect(emailAddressProblem(email)).toBe(`must not contain invisible or text-direction characters (it holds ${character})`);
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['no at sign', 'ada.example.test'],
    ['a space', 'ada lovelace@example.test'],
  ])('refuses %s', (_label, value) => {
    expect(emailAddressProblem(value)).toBe('must be an e-mail address');
  });

  it('refuses more than 320 characters', () => {
    expect(emailAddressProblem(`${'a'.repeat(64)}@${'b'.repeat(300)}.test`)).toBe('must be at most 320 characters long');
  });

  it('the decorator refuses what the function refuses, on the field', async () => {
    expect(await problemsOf(person('ada@example.test'))).toEqual([]);
    expect(await problemsOf(person('ada\u202E@example.test'))).toEqual([
      { field: 'email', messages: ['must not contain invisible or text-direction characters (it holds U+202E)'] },
    ]);
    expect(await problemsOf(person('ad\u034Fa@rt.test'))).toEqual([
      { field: 'email', messages: ['must not contain invisible or text-direction characters (it holds U+034F)'] },
    ]);
    expect(await problemsOf(person('nope'))).toEqual([{ field: 'email', messages: ['must be an e-mail address'] }]);
  });

  it('checks each address of a list', async () => {
    expect(await problemsOf(Object.assign(new Invitation(), { emails: ['a@example.test', 'b@example.test'] }))).toEqual([]);
    expect(await problemsOf(Object.assign(new Invitation(), { emails: ['a@example.test', 'b\u200B@example.test'] }))).toEqual([
      { field: 'emails', messages: ['each must not contain invisible or text-direction characters (it holds U+200B)'] },
    ]);
  });
});

describe('names', () => {
  it.each(['Ada', ' Ada ', 'Nguyễn', '李', 'O’Brien', 'Ada\u200DLovelace', 'Batch 7', '7', 'Zoë\uFE0F'])('takes %j', async (name) => {
    expect(isNotBlank(name)).toBe(true);
    expect(await problemsOf(person('ada@example.test', name))).toEqual([]);
  });

  it.each([
    ['spaces', '   '],
    ['a tab and a line break', '\t\r\n'],
    ['no-break and ideographic spaces', '\u00A0\u3000'],
    ['zero-width spaces', '\u200B\u200B'],
    ['a right-to-left override alone', '\u202E'],
    ['Hangul fillers', '\u3164\u115F'],
    ['a blank Braille pattern', '\u2800'],
    ['combining grapheme joiners', '\u034F\u034F\u034F'],
    ['a variation selector', '\uFE0F'],
    ['a combining accent', '\u0301'],
    ['punctuation', '-.'],
  ])('refuses a name of only %s', async (_label, name) => {
    expect(isNotBlank(name)).toBe(false);
    expect(await problemsOf(person('ada@example.test', name))).toEqual([
      { field: 'firstName', messages: ['must not be blank (it needs at least one letter or digit)'] },
    ]);
  });

  it('still refuses an empty or over-long name with the length rule', async () => {
    expect((await problemsOf(person('ada@example.test', '')))[0].messages).toContain(
      'firstName must be longer than or equal to 1 characters',
    );
    expect((await problemsOf(person('ada@example.test', 'x'.repeat(101))))[0].messages).toEqual([
      'firstName must be shorter than or equal to 100 characters',
    ]);
  });
});
