import { PassThrough } from 'node:stream';
import { COLUMNS, writeParticipantsCsv } from './participants-csv';

async function written(rows: string[][]): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeParticipantsCsv(rows, output);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the participants file', () => {
  const header = Object.values(COLUMNS).join(',');

  it('has its byte-order mark and header row when the contract has no participants', async () => {
    expect(await written([])).toBe(`\ufeff${header}`);
  });

  it('has the header row, then one CRLF-separated row per participant, quoted where needed', async () => {
    const row = ['0190a0a0-0000-7000-8000-000000000001', '3', 'Ada', 'Lovelace, Countess', 'ada@example.test', '', '', '', 'STD', ''];
    expect(await written([row])).toBe(
      `\ufeff${header}\r\n0190a0a0-0000-7000-8000-000000000001,3,Ada,"Lovelace, Countess",ada@example.test,,,,STD,`,
    );
  });
});
