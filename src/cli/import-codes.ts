import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { OPERATOR } from '../identity/auth/actor';
import { CodeImportService } from '../inventory/code-import.service';
import { ImportCodesFileInput, ImportCodesInput, type ImportCodesPayload, type ImportProblem } from '../inventory/dto/batch.dto';
import { withApp } from './app-context';
import { dateOption, idOption, organizationOf, parseOptions, required, validatedInput } from './cli-input';
import { elapsed, summary } from './cli-output';
import { fileSize, localUpload } from './local-file';

/** Problems of each kind the summary shows; the counts are always exact. */
const SHOWN_PROBLEMS = 5;

/**
 * `import --organization … --file …`: codes made elsewhere, through the import service the
 * importCodes mutations use (same checks, all or nothing). A .csv file (or one given --column) is
 * read as a spreadsheet with a column of codes, as importCodesFromFile reads it; any other file
 * as text, one code per line, as importCodes reads a paste. Exit code 1 when nothing was imported.
 */
export async function importCommand(args: string[]): Promise<number> {
  const values = parseOptions('import', args, {
    organization: { type: 'string' },
    file: { type: 'string' },
    column: { type: 'string' },
    price: { type: 'string' },
    contract: { type: 'string' },
    'code-type': { type: 'string' },
    'expires-at': { type: 'string' },
  });
  const organizationRef = required('import', 'organization', values.organization);
  const path = required('import', 'file', values.file);
  const target = {
    priceId: idOption('price', values.price),
    contractId: idOption('contract', values.contract),
    codeType: values['code-type'],
    expiresAt: dateOption(values['expires-at']),
  };
  const asSpreadsheet = values.column !== undefined || extname(path).toLowerCase() === '.csv';
  return withApp(async (app) => {
    const organization = await organizationOf(app, organizationRef);
    const imports = app.get(CodeImportService);
    const started = Date.now();
    const size = await fileSize(path);
    let payload: ImportCodesPayload;
    if (asSpreadsheet) {
      const column = values.column ?? 'code';
      process.stderr.write(`Importing ${path} (${kilobytes(size)}), codes in column "${column}"…\n`);
      const input = await validatedInput(ImportCodesFileInput, {
        ...target,
        organizationId: organization.id,
        column,
        file: localUpload(path),
      });
      payload = await imports.importFile(OPERATOR, input);
    } else {
      const text = await readFile(path, 'utf8');
      process.stderr.write(`Read ${lineCount(text).toLocaleString('en')} lines of ${path} (${kilobytes(size)}); importing…\n`);
      const input = await validatedInput(ImportCodesInput, { ...target, organizationId: organization.id, text });
      payload = await imports.importText(OPERATOR, input);
    }
    const unit = asSpreadsheet ? 'row' : 'line';
    const notImported = [
      ...firstProblems('duplicate', unit, payload.duplicates, payload.duplicateCount),
      ...firstProblems('already stored', unit, payload.alreadyStored, payload.alreadyStoredCount),
      ...firstProblems('malformed', unit, payload.malformed, payload.malformedCount),
    ];
    const title = payload.batch
      ? `Imported ${payload.imported.toLocaleString('en')} codes into ${organization.name} (batch ${payload.batch.id})`
      : `Nothing imported into ${organization.name}: no ${unit} holds a new code.`;
    process.stdout.write(
      summary(
        title,
        [
          ['imported', payload.imported],
          ['duplicates in the file', payload.duplicateCount],
          ['already stored', payload.alreadyStoredCount],
          ['malformed', payload.malformedCount],
          ['time', elapsed(started)],
        ],
        notImported.length ? [`Not imported (the first ${SHOWN_PROBLEMS} of each kind):`, ...notImported] : [],
      ),
    );
    return payload.imported > 0 ? 0 : 1;
  });
}

/** `malformed, line 3 ("ab"): Not a code: …`, the first few, and how many more. */
function firstProblems(kind: string, unit: string, problems: ImportProblem[], count: number): string[] {
  const shown = problems.slice(0, SHOWN_PROBLEMS).map(({ line, value, reason }) => `  ${kind}, ${unit} ${line} ("${value}"): ${reason}`);
  return count > shown.length ? [...shown, `  … and ${(count - shown.length).toLocaleString('en')} more ${kind}`] : shown;
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split(/\r\n|\n|\r/).length - (/(\r\n|\n|\r)$/.test(text) ? 1 : 0);
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024).toLocaleString('en')} KB`;
}
