import { parse } from 'fast-csv';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BadUserInputError } from '../errors/app-error';

/** More columns than any spreadsheet of people or codes has, far fewer than a file of commas. */
export const MAX_COLUMNS = 1000;

/**
 * The most characters one cell may have as written in the file: Excel's own limit for a cell, so
 * no spreadsheet saves a longer one, and names, e-mail addresses and codes are far shorter.
 */
export const MAX_CELL_CHARS = 32_767;

/** The most characters one row may have (its line breaks inside quoted cells included): 32 full cells. */
export const MAX_ROW_CHARS = 1_048_576;

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
 * (BAD_USER_INPUT on `field`), never a 500; so is a cell, a row or a row's columns past
 * MAX_CELL_CHARS, MAX_ROW_CHARS or MAX_COLUMNS, refused with its row (and column) named before the
 * parser reads that row.
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
    // One slice at a time: the bounds are checked just ahead of the parser, not the whole file first.
    const source = Readable.from(inSlices(text, new RowScanner(text, delimiter)), { highWaterMark: 1 });
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
    source.on('error', (error: Error) => stop(error instanceof OutOfBounds ? error.message : `could not be read: ${error.message}`));
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
 * The text a slice of whole rows at a time, with a turn of the event loop between slices: parsing
 * costs about 1.4 µs per cell, and a 16 MB file parsed in one go held the server (every other
 * request) for 20 s. Cut at row ends, never inside a quoted cell: the parser scans a row cut in two
 * again from its start, so cutting at every line break of a 10 MB quoted cell with a million of
 * them rescanned the cell 160 times (51 s).
 */
async function* inSlices(text: string, rows: RowScanner): AsyncGenerator<string> {
  for (let from = 0; from < text.length;) {
    let to = from;
    while (to < text.length && to - from < SLICE) to = rows.end(to);
    yield text.slice(from, to);
    from = to;
    await nextTurn();
  }
}

/** A row or cell past the bounds: the message names it. */
class OutOfBounds extends Error {}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** What the parser skips before a cell's opening quote: white space other than line breaks. */
function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0b || char === 0x0c || (char > 0x7f && /\s/.test(String.fromCharCode(char)));
}

/**
 * Finds where each row ends by fast-csv's rules (a quote opens a quoted cell only at the start of a
 * cell, after any spaces; `""` inside one is a quote; CR, LF and CRLF end a row outside quotes),
 * in one pass that reads each character at most once, and refuses a cell, a row or a row's columns
 * past the bounds as soon as it finds them, before the parser is given the row.
 */
class RowScanner {
  /** The next row's number as a spreadsheet shows it (the header is row 1). */
  private row = 1;
  private readonly delimiter: number;
  private readonly headers: string[] = [];

  constructor(
    private readonly text: string,
    delimiter: string,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Where the row that starts at `start` ends, its line break included. */
  end(start: number): number {
    const { text, delimiter } = this;
    for (let column = 1, at = start; ; column++) {
      if (column > MAX_COLUMNS) {
        throw new OutOfBounds(`row ${this.row} has more than ${MAX_COLUMNS.toLocaleString('en')} columns.`);
      }
      const cell = at;
      while (at < text.length && at - cell < MAX_CELL_CHARS && isSpace(text.charCodeAt(at))) at++;
      if (text.charCodeAt(at) === QUOTE) at = this.closingQuote(at, cell, column);
      // The unquoted cell, or what follows a closing quote (the parser refuses anything but a separator).
      for (; at < text.length; at++) {
        const char = text.charCodeAt(at);
        if (char === delimiter || char === LF || char === CR) break;
        if (at - cell >= MAX_CELL_CHARS) this.cellTooLong(column, false);
      }
      if (at - start > MAX_ROW_CHARS) {
        throw new OutOfBounds(`row ${this.row} is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters.`);
      }
      if (this.row === 1) this.headers.push(text.slice(cell, at));
      if (at >= text.length) {
        this.row++;
        return text.length;
      }
      const char = text.charCodeAt(at);
      if (char === delimiter) {
        at++;
        continue;
      }
      this.row++;
      return at + (char === CR && text.charCodeAt(at + 1) === LF ? 2 : 1);
    }
  }

  /** Just past the quote that closes the cell opened at `open`; an unclosed quote runs to the end. */
  private closingQuote(open: number, cell: number, column: number): number {
    const { text } = this;
    const limit = cell + MAX_CELL_CHARS;
    for (let at = open + 1; ;) {
      const quote = text.indexOf('"', at);
      if (quote === -1 ? text.length > limit : quote >= limit) this.cellTooLong(column, /[\r\n]/.test(text.slice(open, limit)));
      if (quote === -1) return text.length;
      if (text.charCodeAt(quote + 1) !== QUOTE) return quote + 1;
      at = quote + 2;
    }
  }

  /** `openQuote`: a quoted cell runs on across lines, as it does when its closing quote was forgotten. */
  private cellTooLong(column: number, openQuote: boolean): never {
    const header = this.row > 1 ? unquoted(this.headers[column - 1] ?? '') : '';
    const where = header ? `column "${shortName(header)}"` : `column ${column}`;
    throw new OutOfBounds(
      `row ${this.row}, ${where}, has a cell of more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, more than a spreadsheet cell holds${
        openQuote ? ' (is a quotation mark left open?)' : ''
      }.`,
    );
  }
}

/** A header cell as the parser reads it: trimmed, without its quotes. */
function unquoted(raw: string): string {
  const cell = raw.trim();
  return cell.startsWith('"')
    ? cell
        .slice(1, cell.endsWith('"') && cell.length > 1 ? -1 : undefined)
        .replaceAll('""', '"')
        .trim()
    : cell;
}

function shortName(name: string): string {
  return name.length > 50 ? `${name.slice(0, 50)}…` : name;
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
