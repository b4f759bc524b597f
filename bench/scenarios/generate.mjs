import { elapsed, gql, ratio, rss, scaled, seconds } from '../lib.mjs';
import { copyIntoCodeTable, demoOrganization, randomCodes } from '../inventory-data.mjs';

const TARGET = 1.3;

/** 1,000,000 codes, width 12, a prefix, through the public mutation; baseline: COPY of as many precomputed rows. */
export default async function generate(env) {
  const quantity = scaled(1_000_000);
  const organizationId = await demoOrganization(env.db);
  const baselineMs = await copyIntoCodeTable(env.db, organizationId, randomCodes(quantity, 'BQ', 12));

  const started = performance.now();
  const { data, errors } = await gql(
    env.url,
    env.admin,
    `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id status } } }`,
    { input: { organizationId, quantity, width: 12, prefix: 'BN' } },
  );
  if (errors) throw new Error(`generateCodes failed: ${JSON.stringify(errors)}`);
  const batchId = data.generateCodes.batch.id;
  for (;;) {
    const { data: polled } = await gql(
      env.url,
      env.admin,
      `query($id: UUID!) { codeBatch(id: $id) { status createdCount failureReason } }`,
      {
        id: batchId,
      },
    );
    const batch = polled.codeBatch;
    if (batch.status === 'COMPLETED') break;
    if (batch.status === 'FAILED') throw new Error(`The generation failed: ${batch.failureReason}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tesseraMs = elapsed(started);
  env.generatedBatchId = batchId;
  return [
    {
      scenario: `generate: ${quantity.toLocaleString('en')} codes, width 12, prefix (mutation → batch COMPLETED)`,
      tessera: `${seconds(tesseraMs)} (${Math.round(quantity / (tesseraMs / 1000)).toLocaleString('en')} codes/s)`,
      baseline: `${seconds(baselineMs)} (COPY into the same table and indexes)`,
      ratio: ratio(tesseraMs, baselineMs),
      target: `≤ ${TARGET}×`,
      met: tesseraMs / baselineMs <= TARGET,
      rss: await rss(env.apiPid),
    },
  ];
}
