import { parseStream } from 'fast-csv';
import { Readable, Transform } from 'node:stream';
import { BadUserInputError } from '../errors/app-error';

export interface CsvRow {
  /** Row number as a spreadsheet shows it: the header is row 1, the first data row is row 2; blank rows are skipped but counted. */
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
 * Reads an uploaded CSV as a spreadsheet saves it: byte-order mark, CRLF, quoted fields with
 * commas and newlines. Header names are trimmed. Too large, too long or broken files are the
 * uploader's error (BAD_USER_INPUT on `field`), never a 500.
 */
export async function readCsv(input: Readable, limits: CsvLimits): Promise<{ headers: string[]; rows: CsvRow[] }> {
  const rows: CsvRow[] = [];
  let headers: string[] = [];
  let bytes = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const first = bytes === 0;
      bytes += chunk.length;
      if (bytes > limits.maxBytes) return callback(new CsvLimitError(`is larger than ${(limits.maxBytes / 1_048_576).toFixed(0)} MB.`));
      callback(null, first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk);
    },
  });
  // Counts every row fast-csv reads, blank ones too, so numbers match the spreadsheet's.
  let row = 1;
  const isBlank = (values: unknown) => Object.values(values as object).every((value) => String(value ?? '').trim() === '');
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      input.destroy();
      reject(error);
    };
    input.on('error', fail);
    guard.on('error', fail);
    parseStream(input.pipe(guard), {
      headers: (names) => (headers = names.map((name) => (name ?? '').trim())),
      strictColumnHandling: true,
    })
      .on('error', (error: Error) => fail(new CsvLimitError(`is not a readable CSV file: ${error.message}`)))
      .on('data-invalid', (values: unknown) => {
        row += 1;
        if (!isBlank(values)) fail(new CsvLimitError(`row ${row} has a different number of columns than the header.`));
      })
      .on('data', (values: Record<string, string>) => {
        row += 1;
        if (isBlank(values)) return;
        if (rows.length >= limits.maxRows) return fail(new CsvLimitError(`has more than ${limits.maxRows.toLocaleString('en')} rows.`));
        rows.push({ row, values });
      })
      .on('end', () => resolve());
  }).catch((error: unknown) => {
    if (error instanceof CsvLimitError) throw BadUserInputError.field(limits.field, error.message);
    // graphql-upload's own size limit (413) is the uploader's error too.
    if ((error as { status?: number }).status === 413) throw BadUserInputError.field(limits.field, 'is too large.');
    throw error;
  });
  return { headers, rows };
}

class CsvLimitError extends Error {}
