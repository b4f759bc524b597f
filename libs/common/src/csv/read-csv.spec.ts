import { Readable } from 'node:stream';
import { readCsv } from './read-csv';

const LIMITS = { maxBytes: 16 * 1024 * 1024, maxRows: 1_000_000, field: 'file' };
const fileOf = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

describe('readCsv', () => {
  it('keeps rows whole where the text is cut into slices for the parser', async () => {
    const header = 'name,email\n';
    // Puts a surrogate pair across the 64 KiB mark, and more after it.
    const filler = 'x'.repeat(64 * 1024 - header.length - 1);
    const text = `${header}${filler}😀,a@example.test\nZoë 🎉,b@example.test\n`;

    const { rows } = await readCsv(fileOf(text), LIMITS);

    expect(rows.map((row) => row.values.name)).toEqual([`${filler}😀`, 'Zoë 🎉']);
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
