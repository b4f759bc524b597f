import { elapsed, gql, ratio, rss, scaled, seconds } from '../lib.mjs';
import { copyIntoCodeTable, demoOrganization, randomCodes } from '../inventory-data.mjs';

const TARGET = 1.5;

/** Paste-import 100,000 codes (one per line); baseline: COPY of those rows. */
export default async function importCodes(env) {
  const count = scaled(100_000);
  const organizationId = await demoOrganization(env.db);
  const codes = randomCodes(count, 'IM', 12);
  const baselineMs = await copyIntoCodeTable(env.db, organizationId, codes);

  const started = performance.now();
  const { data, errors } = await gql(
    env.url,
    env.admin,
    `mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported } }`,
    { input: { organizationId, text: codes.join('\n') } },
  );
  const tesseraMs = elapsed(started);
  if (errors || data.importCodes.imported !== count) throw new Error(`importCodes failed: ${JSON.stringify(errors ?? data)}`);
  return [
    {
      scenario: `import: paste ${count.toLocaleString('en')} codes`,
      tessera: `${seconds(tesseraMs)} (${Math.round(count / (tesseraMs / 1000)).toLocaleString('en')} codes/s)`,
      baseline: `${seconds(baselineMs)} (COPY of the same rows)`,
      ratio: ratio(tesseraMs, baselineMs),
      target: `≤ ${TARGET}×`,
      met: tesseraMs / baselineMs <= TARGET,
      rss: await rss(env.apiPid),
    },
  ];
}
