import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { elapsed, ratio, sampleRss, seconds } from '../lib.mjs';
import { demoOrganization } from '../inventory-data.mjs';

const TARGET = 2;
const RSS_LIMIT_MB = 250;

/** The formula-safe CSV of the generated codes over the HTTP route; baseline: COPY (SELECT …) TO STDOUT of the same columns. */
export default async function exportCodes(env) {
  const organizationId = await demoOrganization(env.db);
  const batchId =
    env.generatedBatchId ?? (await env.db.query(`SELECT id FROM code_batch ORDER BY requested_quantity DESC LIMIT 1`)).rows[0].id;
  const { rows } = await env.db.query(`SELECT count(*)::int AS count FROM code WHERE batch_id = $1`, [batchId]);
  const count = rows[0].count;

  const safe = (column) => `CASE WHEN ${column} ~ '^[=+@\\t\\r-]' THEN '''' || ${column} ELSE ${column} END`;
  const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  const select = `SELECT c.code, c.status, ${safe('c.code_type')} AS code_type, ${safe('p.price_code')} AS price_code, c.batch_id, c.contract_id,
      ${iso('c.expires_at')} AS expires_at, ${safe('c.last_sent_to_email')} AS last_sent_to_email, ${safe('c.last_sent_to_name')} AS last_sent_to_name,
      ${iso('c.last_sent_at')} AS last_sent_at, ${safe('c.admin_comment')} AS admin_comment, ${iso('c.created_at')} AS created_at
    FROM code c LEFT JOIN price p ON p.id = c.price_id WHERE c.organization_id = '${organizationId}' AND c.batch_id = '${batchId}' ORDER BY c.id`;
  let started = performance.now();
  let baselineBytes = 0;
  await pipeline(
    env.db.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`)),
    new Writable({
      write(chunk, _encoding, callback) {
        baselineBytes += chunk.length;
        callback();
      },
    }),
  );
  const baselineMs = elapsed(started);

  started = performance.now();
  const {
    result: tessera,
    peakMb,
    growthMb,
  } = await sampleRss(env.apiPid, async () => {
    const response = await fetch(`${env.url}/exports/codes.csv?organizationId=${organizationId}&batchId=${batchId}`, {
      headers: { authorization: `Bearer ${env.admin}` },
    });
    if (!response.ok) throw new Error(`Export answered ${response.status}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    }
    return { bytes, lines };
  });
  const tesseraMs = elapsed(started);
  if (tessera.lines !== count + 1) throw new Error(`The export had ${tessera.lines - 1} rows, expected ${count}`);
  return [
    {
      scenario: `export: formula-safe CSV of ${count.toLocaleString('en')} codes over HTTP (${(tessera.bytes / 2 ** 20).toFixed(0)} MB)`,
      tessera: `${seconds(tesseraMs)} (${Math.round(count / (tesseraMs / 1000)).toLocaleString('en')} rows/s; RSS +${growthMb} MB during it)`,
      baseline: `${seconds(baselineMs)} (COPY … TO STDOUT, ${(baselineBytes / 2 ** 20).toFixed(0)} MB)`,
      ratio: ratio(tesseraMs, baselineMs),
      target: `≤ ${TARGET}×, RSS ≤ ${RSS_LIMIT_MB} MB`,
      met: tesseraMs / baselineMs <= TARGET && peakMb <= RSS_LIMIT_MB,
      rss: peakMb,
    },
  ];
}
