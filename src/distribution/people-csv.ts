import { emailAddressProblem, emailCellMessage, isNotBlank, shortened, undoCsvSafe, type CsvRow } from '@tessera/common';
import type { ImportRowProblem } from './entities/participant-import.entity';

/** What a people file is for: seats given at once (accounts made), or invitations by e-mail. */
export type PeopleFilePurpose = 'ASSIGN_SEATS' | 'INVITE';

/** The columns, with the other spellings spreadsheets and people use for them. */
export const PEOPLE_COLUMNS = {
  firstName: { name: 'First name', aliases: ['first name', 'firstname', 'first_name', 'given name'] },
  lastName: { name: 'Last name', aliases: ['last name', 'lastname', 'last_name', 'surname', 'family name'] },
  email: { name: 'E-mail', aliases: ['e-mail', 'email', 'e-mail address', 'email address', 'mail'] },
  password: { name: 'Password', aliases: ['password'] },
} as const;

type Column = keyof typeof PEOPLE_COLUMNS;

/** One person read from the file. */
export interface PersonRow {
  row: number;
  email: string;
  firstName: string;
  lastName: string;
  password: string | null;
}

/**
 * Checks every row of a people file: the columns the purpose needs, an e-mail address on each
 * row and not twice, names for new accounts, passwords long enough. Collects every problem.
 */
export function checkPeopleFile(
  headers: string[],
  rows: CsvRow[],
  purpose: PeopleFilePurpose,
): { problems: ImportRowProblem[]; people: PersonRow[] } {
  const column = (key: Column) =>
    headers.find((header) => (PEOPLE_COLUMNS[key].aliases as readonly string[]).includes(header.toLowerCase()));
  const required: Column[] = purpose === 'INVITE' ? ['email'] : ['firstName', 'lastName', 'email'];
  const missing = required.filter((key) => !column(key));
  if (missing.length) {
    return {
      problems: missing.map((key) => ({
        row: 1,
        column: PEOPLE_COLUMNS[key].name,
        value: '',
        message: `The column "${PEOPLE_COLUMNS[key].name}" is missing (the header row names the columns: ${required.map((k) => PEOPLE_COLUMNS[k].name).join(', ')}).`,
      })),
      people: [],
    };
  }
  const problems: ImportRowProblem[] = [];
  const problem = (row: number, key: Column, value: string, message: string) =>
    problems.push({
      row,
      column: column(key) ?? PEOPLE_COLUMNS[key].name,
      value: shortened(value, 100),
      message,
    });
  const cell = (values: Record<string, string>, key: Column) => {
    const name = column(key);
    return name ? undoCsvSafe((values[name] ?? '').trim()) : '';
  };

  const people: PersonRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of rows) {
    const email = cell(values, 'email').toLowerCase();
    const firstName = cell(values, 'firstName');
    const lastName = cell(values, 'lastName');
    const password = cell(values, 'password');
    let ok = true;
    const emailProblem = email ? emailAddressProblem(email) : undefined;
    if (!email) {
      problem(row, 'email', email, 'Is empty: every row needs an e-mail address.');
      ok = false;
    } else if (emailProblem) {
      problem(row, 'email', email, emailCellMessage(email));
      ok = false;
    } else if (firstRowOf.has(email)) {
      problem(row, 'email', email, `Appears twice: also on row ${firstRowOf.get(email)}.`);
      ok = false;
    } else {
      firstRowOf.set(email, row);
    }
    if (purpose === 'ASSIGN_SEATS') {
      for (const [key, value] of [
        ['firstName', firstName],
        ['lastName', lastName],
      ] as const) {
        if (!isNotBlank(value)) {
          problem(row, key, value, 'Is empty: a new account needs the name.');
          ok = false;
        } else if (value.length > 100) {
          problem(row, key, value, 'Is longer than 100 characters.');
          ok = false;
        }
      }
      if (password && (password.length < 10 || password.length > 1024)) {
        problem(row, 'password', '(hidden)', 'Must be 10 to 1024 characters long, or empty for a set-password link.');
        ok = false;
      }
    }
    if (ok) people.push({ row, email, firstName, lastName, password: purpose === 'ASSIGN_SEATS' && password ? password : null });
  }
  if (rows.length === 0)
    problems.push({ row: 2, column: PEOPLE_COLUMNS.email.name, value: '', message: 'The file has no rows under the header.' });
  return { problems, people };
}
