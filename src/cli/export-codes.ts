import { open, rm } from 'node:fs/promises';
import { BadUserInputError } from '@tessera/common';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OPERATOR } from '../identity/auth/actor';
import { CodesService } from '../inventory/codes.service';
import { CodeFilter } from '../inventory/dto/code.dto';
import { withApp } from './app-context';
import { dateOption, idOption, organizationOf, parseOptions, required, validatedInput } from './cli-input';
import { elapsed, summary } from './cli-output';
import { ProgressBar } from './progress-bar';

const BYTE_ORDER_MARK = Buffer.from('\ufeff');
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * `export --organization … [--out file] [filters]`: the CSV the HTTP export route streams (the
 * same service, query and formula-safe cells, a byte-order mark first), written as it comes: memory
 * stays flat however many codes there are. Without --out the CSV goes to stdout and all else to stderr.
 */
export async function exportCommand(args: string[]): Promise<number> {
  const values = parseOptions('export', args, {
    organization: { type: 'string' },
    out: { type: 'string' },
    status: { type: 'string' },
    batch: { type: 'string' },
    contract: { type: 'string' },
    price: { type: 'string' },
    'code-type': { type: 'string' },
    'last-sent-to': { type: 'string' },
    'created-after': { type: 'string' },
    'created-before': { type: 'string' },
    search: { type: 'string' },
  });
  const organizationRef = required('export', 'organization', values.organization);
  // Statuses comma-separated, as the route's query string has them; dates as strictly as GraphQL reads them.
  const filterFields = {
    status: values.status,
    batchId: idOption('batch', values.batch),
    contractId: idOption('contract', values.contract),
    priceId: idOption('price', values.price),
    codeType: values['code-type'],
    lastSentTo: values['last-sent-to'],
    createdAfter: dateOption(values['created-after']),
    createdBefore: dateOption(values['created-before']),
    search: values.search,
  };
  const out = values.out;
  const report = out ? process.stdout : process.stderr;
  return withApp(async (app) => {
    const organization = await organizationOf(app, organizationRef);
    const filter = await validatedInput(CodeFilter, filterFields);
    const codes = app.get(CodesService);
    const writeCsv = await codes.export(OPERATOR, organization.id, filter);
    const { totalCount } = await codes.list(OPERATOR, organization.id, { first: 1 }, filter);
    const started = Date.now();
    const bar = new ProgressBar('Exporting', totalCount);
    const counter = new CsvCounter((rows) => bar.update(rows));
    const destination = out ? await writableFile(out) : process.stdout;
    // stdout is not ended: the process may still write to it, and node never closes it.
    const written = pipeline(counter, destination, { end: Boolean(out) });
    try {
      await Promise.all([writeCsv(counter), written]);
    } catch (error) {
      if (out) await rm(out, { force: true }); // half a file must not pass for an export
      throw error;
    }
    bar.finish(`${counter.rows.toLocaleString('en')} codes`);
    report.write(
      summary(`Exported the codes of ${organization.name}`, [
        ['rows', counter.rows],
        ['bytes', counter.bytes],
        ['file', out ?? '(stdout)'],
        ['time', elapsed(started)],
      ]),
    );
    return 0;
  });
}

/** The --out file, opened (and emptied) before any work: a path that cannot be written is bad input. */
async function writableFile(path: string): Promise<NodeJS.WritableStream> {
  const handle = await open(path, 'w').catch((error: NodeJS.ErrnoException) => {
    throw BadUserInputError.field('out', `${path} cannot be written (${error.code ?? error.message}).`);
  });
  return handle.createWriteStream();
}

/**
 * Passes a CSV through with a byte-order mark first (as the download has), counting bytes and
 * records: a newline ends a record only outside quotes, since a quoted cell may hold newlines.
 */
class CsvCounter extends Transform {
  bytes = 0;
  private records = 0;
  private quoted = false;

  constructor(private readonly onRows: (rows: number) => void) {
    super();
    this.push(BYTE_ORDER_MARK);
    this.bytes = BYTE_ORDER_MARK.length;
  }

  /** Records after the header. */
  get rows(): number {
    return Math.max(0, this.records - 1);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const byte of chunk) {
      if (byte === QUOTE) this.quoted = !this.quoted;
      else if (byte === NEWLINE && !this.quoted) this.records++;
    }
    this.bytes += chunk.length;
    this.onRows(this.rows);
    callback(null, chunk);
  }
}
