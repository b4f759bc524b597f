import { csvSafe, emailAddressProblem, emailCellMessage, isUuid, shortened, undoCsvSafe } from '@tessera/common';
import { format } from 'fast-csv';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Price } from '../contracts/entities/price.entity';
import type { Participant } from '../contracts/entities/participant.entity';
import type { ImportRowProblem, ParticipantAssignment } from './entities/participant-import.entity';

/** The participants file's columns, in order: what the download writes and the upload reads. */
export const COLUMNS = {
  id: 'Participant ID',
  version: 'Row Version',
  firstName: 'First Name',
  lastName: 'Last Name',
  email: 'E-mail',
  phone: 'Phone',
  dateOfBirth: 'Date of Birth',
  externalReference: 'External Reference',
  priceCode: 'Price Code',
  invitationCode: 'Invitation Code',
} as const;

const REQUIRED = [COLUMNS.id, COLUMNS.version, COLUMNS.priceCode];
export const LISTED_PROBLEMS = 5000;

export interface ParticipantWithCode {
  participant: Participant;
  code: { code: string; priceId: string | null } | null;
}

/** One CSV row per participant; cells a spreadsheet would run as a formula are defused. */
export function participantRows(items: ParticipantWithCode[], prices: Map<string, Price>): string[][] {
  return items.map(({ participant: p, code }) => [
    p.id,
    String(p.version),
    csvSafe(p.firstName),
    csvSafe(p.lastName),
    csvSafe(p.email),
    csvSafe(p.phone),
    p.dateOfBirth ?? '',
    csvSafe(p.externalReference),
    code?.priceId ? csvSafe(prices.get(code.priceId)?.priceCode) : '',
    code?.code ?? '',
  ]);
}

/**
 * Writes the participants file: a byte-order mark (for spreadsheet programs), the header row and
 * the rows. The header row goes first as a row of its own: fast-csv writes its `headers` only
 * with the first row, which left a contract without participants an empty file.
 */
export function writeParticipantsCsv(rows: string[][], output: Writable): Promise<void> {
  return pipeline(Readable.from([Object.values(COLUMNS), ...rows]), format({ writeBOM: true, rowDelimiter: '\r\n' }), output);
}

const comparable = (value: string) => value.normalize('NFC').trim().toLowerCase();

export interface UploadCheck {
  problems: ImportRowProblem[];
  assignments: ParticipantAssignment[];
}

/**
 * Checks every row of an uploaded participants file against the contract: who the row is, that it
 * is the version downloaded, that details were not edited in the sheet, and that the price code
 * is one the contract allows. Collects every problem; decides nothing on its own.
 */
export function checkUpload(
  headers: string[],
  rows: { row: number; values: Record<string, string> }[],
  participants: Map<string, ParticipantWithCode>,
  allowedPrices: Price[],
  knownPriceCodes: Set<string>,
): UploadCheck {
  const problems: ImportRowProblem[] = [];
  const header = (name: string) => headers.find((h) => h.toLowerCase() === name.toLowerCase());
  const missing = REQUIRED.filter((name) => !header(name));
  if (missing.length > 0) {
    return {
      problems: missing.map((column) => ({
        row: 1,
        column,
        value: '',
        message: `The column "${column}" is missing: start from the downloaded file.`,
      })),
      assignments: [],
    };
  }
  const cell = (values: Record<string, string>, name: string) => {
    const column = header(name);
    return column ? (values[column] ?? '').trim() : '';
  };
  const problem = (row: number, column: string, value: string, message: string) =>
    problems.push({ row, column, value: shortened(value, 100), message });
  const byCode = new Map<string, Price[]>();
  for (const price of allowedPrices) {
    const key = price.priceCode.toUpperCase();
    byCode.set(key, [...(byCode.get(key) ?? []), price]);
  }

  const assignments: ParticipantAssignment[] = [];
  const seen = new Map<string, number>();
  for (const { row, values } of rows) {
    const id = cell(values, COLUMNS.id);
    const priceCode = cell(values, COLUMNS.priceCode);
    if (!id) {
      problem(row, COLUMNS.id, id, 'Is empty: every row must come from the downloaded list (add new people in Tessera).');
      continue;
    }
    if (!isUuid(id)) {
      problem(row, COLUMNS.id, id, 'Is not a participant id from the downloaded list.');
      continue;
    }
    const firstRow = seen.get(id.toLowerCase());
    if (firstRow !== undefined) {
      problem(row, COLUMNS.id, id, `Duplicate row: this participant is also on row ${firstRow}.`);
      continue;
    }
    seen.set(id.toLowerCase(), row);
    const found = participants.get(id.toLowerCase());
    if (!found) {
      problem(row, COLUMNS.id, id, 'No such participant in this contract: removed since the download, or from another contract.');
      continue;
    }
    const { participant, code } = found;
    const version = cell(values, COLUMNS.version);
    if (version !== String(participant.version)) {
      problem(row, COLUMNS.version, version, 'The participant changed since this file was downloaded: download the list again.');
      continue;
    }
    let rowOk = true;
    const email = cell(values, COLUMNS.email);
    const emailProblem = header(COLUMNS.email) && email ? emailAddressProblem(undoCsvSafe(email)) : undefined;
    if (emailProblem) {
      problem(row, COLUMNS.email, email, emailCellMessage(undoCsvSafe(email)));
      rowOk = false;
    }
    for (const [column, stored] of [
      [COLUMNS.firstName, participant.firstName],
      [COLUMNS.lastName, participant.lastName],
      [COLUMNS.email, participant.email],
    ] as const) {
      // References, phones and dates are left out: spreadsheets rewrite them (00123 -> 123, dates).
      const given = cell(values, column);
      if (header(column) && comparable(undoCsvSafe(given)) !== comparable(stored ?? '') && rowOk) {
        problem(row, column, given, 'Differs from Tessera: details are not imported from the file; change the participant in Tessera.');
        rowOk = false;
      }
    }
    if (!priceCode || !rowOk) continue;
    if (code && cell(values, COLUMNS.invitationCode).toUpperCase() === code.code) continue; // done already
    const candidates = byCode.get(priceCode.toUpperCase()) ?? [];
    if (candidates.length === 0) {
      const message = knownPriceCodes.has(priceCode.toUpperCase())
        ? 'This price is not allowed by the contract.'
        : `Unknown price code: use one of ${[...byCode.keys()].join(', ') || '(the contract allows no price)'}.`;
      problem(row, COLUMNS.priceCode, priceCode, message);
      continue;
    }
    if (candidates.length > 1) {
      problem(row, COLUMNS.priceCode, priceCode, 'Two of the contract’s prices have this code: ask an admin to rename one.');
      continue;
    }
    if (code) {
      if (code.priceId !== candidates[0].id) {
        problem(row, COLUMNS.priceCode, priceCode, `Already has the invitation code ${code.code} at another price.`);
      }
      continue;
    }
    assignments.push({ participantId: participant.id, version: participant.version, priceId: candidates[0].id, row });
  }
  return { problems, assignments };
}
