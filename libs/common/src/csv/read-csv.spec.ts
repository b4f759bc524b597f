import { Readable } from 'node:stream';
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROW_CHARS, readCsv } from './read-csv';

const LIMITS = { maxBytes: 16 * 1024 * 1024, maxRows: 1_000_000, field: 'file' };
const fileOf = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

describe('readCsv', () => {
  it('keeps rows whole where the text is cut into slices for the parser', async () => {
    const header = 'name,email\n';
    // Puts a surrogate pair across the 64 KiB mark, and more after it (cells within MAX_CELL_CHARS).
    const long = 'x'.repeat(30_000);
    const before = `${header}${long},a@example.test\n${long},b@example.test\n`;
    const filler = 'x'.repeat(64 * 1024 - before.length - 1);
    const text = `${before}${filler}😀,c@example.test\nZoë 🎉,d@example.test\n`;

    const { rows } = await readCsv(fileOf(text), LIMITS);

    expect(rows.map((row) => row.values.name)).toEqual([long, long, `${filler}😀`, 'Zoë 🎉']);
  });

  it('lets other work run while it parses a large file', async () => {
    const text = `code,comment\n${Array.from({ length: 100_000 }, (_, i) => `CODE${i},comment ${i}`).join('\n')}\n`;
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      const { rows } = await readCsv(fileOf(text), LIMITS);
      expect(rows).toHaveLength(100_000);
    } finally {
      clearInterval(ticker);
    }
    expect(turns).toBeGreaterThan(5);
  });
});

describe('readCsv bounds per cell, per row and per row’s columns', () => {
  const refusal = (text: string) =>
    readCsv(fileOf(text), LIMITS).then(
      () => undefined,
      (error: Error) => error.message,
    );

  it('reads a cell of exactly MAX_CELL_CHARS characters, quoted or not, and refuses one more', async () => {
    const full = 'x'.repeat(MAX_CELL_CHARS);
    const { rows } = await readCsv(fileOf(`code,note\r\n${full},"${'y'.repeat(MAX_CELL_CHARS - 2)}"\r\n`), LIMITS);
    expect(rows[0].values.code).toHaveLength(MAX_CELL_CHARS);
    expect(rows[0].values.note).toHaveLength(MAX_CELL_CHARS - 2);

    expect(await refusal(`code,note\r\nA,B\r\nC,${full}x\r\n`)).toBe(
      `file: row 3, column "note", has a cell of more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, more than a spreadsheet cell holds.`,
    );
    expect(await refusal(`code, "My ""note""" \r\nA,${full}x\r\n`)).toMatch(/^file: row 2, column "My "note"", has a cell/);
    // Without line breaks in it, a long quoted cell is just long: no hint of a quote left open.
    expect(await refusal(`code,"My ""note"""\r\n"${full}",B\r\n`)).toBe(
      `file: row 2, column "code", has a cell of more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, more than a spreadsheet cell holds.`,
    );
  });

  it('refuses a 10 MB quoted cell of a million line breaks, naming its row and column and the open quote', async () => {
    const cell = Array.from({ length: 1_100_000 }, () => 'abcdefgh').join('\n');
    const message = await refusal(`name,email\r\nAda,ada@example.test\r\n"${cell}",b@example.test\r\n`);
    expect(message).toBe(
      `file: row 3, column "name", has a cell of more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, more than a spreadsheet cell holds (is a quotation mark left open?).`,
    );
  });

  it('refuses a quote left open near the start of a large file as a long cell, not after parsing it all', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `CODE${i},note ${i}`).join('\r\n');
    expect(await refusal(`code,note\r\n"OPEN,x\r\n${rows}\r\n`)).toMatch(/^file: row 2, column "code", has a cell .* left open\?\)\.$/);
  });

  it('refuses a row longer than MAX_ROW_CHARS made of cells within the cell bound', async () => {
    const columns = 100;
    const header = Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
    const row = Array.from({ length: columns }, () => 'z'.repeat(20_000)).join(',');
    expect(await refusal(`${header}\n${header}\n${row}\n`)).toBe(
      `file: row 3 is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters.`,
    );
    // Line breaks inside quoted cells are part of the row.
    const quoted = Array.from({ length: columns }, () => `"${'z\n'.repeat(10_000)}"`).join(',');
    expect(await refusal(`${header}\n${quoted}\n`)).toBe(`file: row 2 is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters.`);
  });

  it('refuses a data row of more than MAX_COLUMNS cells before the parser splits it', async () => {
    expect(await refusal(`code,note\n${','.repeat(5_000_000)}\n`)).toBe(
      `file: row 2 has more than ${MAX_COLUMNS.toLocaleString('en')} columns.`,
    );
  });

  it('counts a row of quoted line breaks as one row, as a spreadsheet does, and cuts slices only between rows', async () => {
    // 4,000 rows of 3 lines each: about 190 slices' worth of line breaks inside quotes.
    const body = Array.from({ length: 4_000 }, (_, i) => `"Line one\r\nline two\nline ""three"" ${i}",${i}`).join('\r\n');
    const { rows } = await readCsv(fileOf(`note,n\r\n${body}\r\nlast,x\r\n`), LIMITS);
    expect(rows).toHaveLength(4_001);
    expect(rows[3_999]).toEqual({ row: 4_001, values: { note: 'Line one\r\nline two\nline "three" 3999', n: '3999' } });
    expect(rows[4_000]).toEqual({ row: 4_002, values: { note: 'last', n: 'x' } });
  });

  it('reads a quote inside an unquoted cell and spaces before an opening quote as fast-csv does', async () => {
    const { rows } = await readCsv(fileOf(`size,name\n27" screen,  "Zoë, B"\r"",x\n`), LIMITS);
    expect(rows.map((row) => row.values)).toEqual([
      { size: '27" screen', name: 'Zoë, B' },
      { size: '', name: 'x' },
    ]);
  });
});
