// Data the inventory scenarios share: the demo organisation, random codes like Tessera's, and a
// COPY into an empty copy of the code table (same columns and indexes) for the baselines.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';

/** Tessera's code alphabet (no look-alike characters). */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export async function demoOrganization(db) {
  const { rows } = await db.query(`SELECT id FROM organization WHERE slug = 'demo-mentoring'`);
  if (!rows[0]) throw new Error('The demo organisation is missing');
  return rows[0].id;
}

/** `count` distinct random codes: `prefix` then `width` characters. */
export function randomCodes(count, prefix, width) {
  const codes = new Set();
  while (codes.size < count) {
    const bytes = randomBytes(width);
    let code = prefix;
    for (const byte of bytes) code += ALPHABET[byte & 31];
    codes.add(code);
  }
  return [...codes];
}

/**
 * COPYs codes into a fresh table made LIKE code INCLUDING ALL (same columns, defaults, generated
 * search column and indexes), timed from the first byte to the commit; the table is dropped after.
 */
export async function copyIntoCodeTable(db, organizationId, codes) {
  await db.query(`DROP TABLE IF EXISTS bench_code`);
  await db.query(`CREATE TABLE bench_code (LIKE code INCLUDING ALL)`);
  const batchId = randomUUID();
  const started = performance.now();
  await db.query('BEGIN');
  await pipeline(
    Readable.from(lines(codes, organizationId, batchId)),
    db.query(copyFrom(`COPY bench_code (id, organization_id, batch_id, code, status) FROM STDIN`)),
  );
  await db.query('COMMIT');
  const ms = performance.now() - started;
  await db.query(`DROP TABLE bench_code`);
  return ms;
}

function* lines(codes, organizationId, batchId) {
  for (let start = 0; start < codes.length; start += 10_000) {
    let chunk = '';
    for (const code of codes.slice(start, start + 10_000)) chunk += `${randomUUID()}\t${organizationId}\t${batchId}\t${code}\tAVAILABLE\n`;
    yield chunk;
  }
}
