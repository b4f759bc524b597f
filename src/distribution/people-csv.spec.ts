import { checkPeopleFile } from './people-csv';

const rows = (...lines: Record<string, string>[]) => lines.map((values, i) => ({ row: i + 2, values }));

describe('checkPeopleFile', () => {
  it('reads the columns under any usual spelling and lower-cases addresses', () => {
    const { problems, people } = checkPeopleFile(
      ['Given name', 'Surname', 'Email address', 'password'],
      rows({ 'Given name': 'Ada', Surname: 'Lovelace', 'Email address': ' Ada@Example.TEST ', password: '' }),
      'ASSIGN_SEATS',
    );
    expect(problems).toEqual([]);
    expect(people).toEqual([{ row: 2, email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace', password: null }]);
  });

  it('needs only an address column for invitations, and ignores passwords there', () => {
    const { problems, people } = checkPeopleFile(
      ['E-mail', 'Password'],
      rows({ 'E-mail': 'a@example.test', Password: 'whatever it is' }),
      'INVITE',
    );
    expect(problems).toEqual([]);
    expect(people[0].password).toBeNull();
  });

  it('undoes the apostrophe a formula-safe export put in front of a value', () => {
    const { people } = checkPeopleFile(
      ['First name', 'Last name', 'E-mail'],
      rows({ 'First name': "'=Ann", 'Last name': 'B', 'E-mail': 'ann@example.test' }),
      'ASSIGN_SEATS',
    );
    expect(people[0].firstName).toBe('=Ann');
  });

  it('reports a file with a header and no rows', () => {
    const { problems } = checkPeopleFile(['E-mail'], [], 'INVITE');
    expect(problems).toEqual([{ row: 2, column: 'E-mail', value: '', message: 'The file has no rows under the header.' }]);
  });

  it.each([
    ['', 'Is empty: every row needs an e-mail address.'],
    ['no-at-sign', 'Is not an e-mail address.'],
    [`${'x'.repeat(320)}@example.test`, 'Is not an e-mail address.'],
    ['ad\u202Egnp.lim@example.test', expect.stringContaining('invisible or text-direction character (U+202E)')],
    ['ada\u200B@example.test', expect.stringContaining('(U+200B)')],
    ['ada@exam\u2066ple.test', expect.stringContaining('(U+2066)')],
  ])('refuses the address %j', (email, message) => {
    const { problems, people } = checkPeopleFile(['E-mail'], rows({ 'E-mail': email }), 'INVITE');
    expect(problems[0]).toMatchObject({ row: 2, column: 'E-mail', message });
    expect(people).toEqual([]);
  });

  it.each(['   ', '\u200B', '\u3164'])('refuses a name of only blanks (%j) for a new account', (blank) => {
    const { problems, people } = checkPeopleFile(
      ['First name', 'Last name', 'E-mail'],
      rows({ 'First name': blank, 'Last name': 'Okafor', 'E-mail': 'ada@example.test' }),
      'ASSIGN_SEATS',
    );
    expect(problems).toEqual([
      expect.objectContaining({ row: 2, column: 'First name', message: 'Is empty: a new account needs the name.' }),
    ]);
    expect(people).toEqual([]);
  });
});
