import { parse } from 'fast-csv';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BadUserInputError } from '../errors/app-error';

/** More columns than any spreadsheet of people or codes has, far fewer than a file of commas. */
export const MAX_COLUMNS = 1000;

export interface CsvRow {
  /** Row number as a spreadsheet shows it: the header is row 1; blank rows are skipped but counted. */
  row: number;
  values: Record<string, string>;
}

export interface CsvLimits {
  maxBytes: number;
  maxRows: number;
  /** Name of the input field the file came in, for error messages. */
  field: string;
}

/**
 * Reads an uploaded CSV as spreadsheets save it: byte-order mark, CRLF, quoted fields with commas
 * and newlines, trailing empty rows, and the semicolon-separated variant (European Excel). Header
 * names are trimmed. A file that is too large, not UTF-8, or broken is the uploader's error
 * (BAD_USER_INPUT on `field`), never a 500.
 */
export async function readCsv(input: Readable, limits: CsvLimits): Promise<{ headers: string[]; rows: CsvRow[]; delimiter: string }> {
  const refuse = (message: string) => BadUserInputError.field(limits.field, message);
  const bytes = await readAll(input, limits.maxBytes).catch((error: unknown) => {
    // graphql-upload's own size limit (413) is the uploader's error too.
    if (error instanceof TooLarge || (error as { status?: number }).status === 413) {
      throw refuse(`is larger than ${(limits.maxBytes / 1_048_576).toFixed(0)} MB.`);
    }
    throw error;
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refuse('is not UTF-8 text: save it as "CSV UTF-8" in your spreadsheet program.');
  }
  if (text.includes('\u0000')) throw refuse('is not a text file (it holds NUL bytes).');
  const { delimiter, columns } = sniffHeaderRow(text);
  // Refused before parsing: the parser's cost is per cell, and a 16 MB row of commas has millions.
  if (columns > MAX_COLUMNS) {
    throw refuse(`has ${columns.toLocaleString('en')} columns; a file may have at most ${MAX_COLUMNS.toLocaleString('en')}.`);
  }
  const rows: CsvRow[] = [];
  let headers: string[] = [];
  let row = 1;
  let problem: string | undefined;
  const isBlank = (values: unknown) => Object.values(values as object).every((value) => String(value ?? '').trim() === '');
  await new Promise<void>((resolve) => {
    const source = Readable.from(inSlices(text));
    const stream = source.pipe(
      parse({
        delimiter,
        headers: (names) => (headers = names.map((name) => (name ?? '').trim())),
        strictColumnHandling: true,
      }),
    );
    const stop = (message: string) => {
      problem ??= message;
      source.destroy();
      stream.destroy();
      resolve();
    };
    stream
      .on('error', (error: Error) => stop(`is not a readable CSV file: ${error.message}`))
      .on('data-invalid', (values: unknown) => {
        row += 1;
        if (!isBlank(values)) stop(`row ${row} has a different number of columns than the header row.`);
      })
      .on('data', (values: Record<string, string>) => {
        row += 1;
        if (isBlank(values)) return;
        if (rows.length >= limits.maxRows) return stop(`has more than ${limits.maxRows.toLocaleString('en')} rows.`);
        rows.push({ row, values });
      })
      .on('end', () => resolve());
  });
  if (problem) throw refuse(problem);
  if (headers.length === 0) throw refuse('is empty: it needs a header row.');
  const repeated = firstRepeated(headers.filter(Boolean));
  if (repeated) throw refuse(`has the column "${repeated}" twice.`);
  return { headers, rows, delimiter };
}

/** Characters the parser gets at least at a time (about 10 ms of parsing here). */
const SLICE = 64 * 1024;

/**
 * The text a slice of whole lines at a time, with a turn of the event loop between slices: parsing
 * costs about 1.4 µs per cell, and a 16 MB file parsed in one go held the server (every other
 * request) for 20 s. Cut at line ends: the parser scans a row cut in two again from its start.
 */
async function* inSlices(text: string): AsyncGenerator<string> {
  for (let from = 0; from < text.length;) {
    const lineEnd = text.indexOf('\n', from + SLICE);
    const to = lineEnd === -1 ? text.length : lineEnd + 1;
    yield text.slice(from, to);
    from = to;
    await nextTurn();
  }
}

/** The first name that appears twice (a Set: a header row may have a great many columns). */
function firstRepeated(names: string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * The header row's separator — comma, or semicolon when it has more semicolons than commas
 * (outside quotes) — and how many columns that makes.
 */
function sniffHeaderRow(text: string): { delimiter: string; columns: number } {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? { delimiter: ';', columns: semicolons + 1 } : { delimiter: ',', columns: commas + 1 };
}

class TooLarge extends Error {}

async function readAll(input: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      input.destroy();
      throw new TooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
