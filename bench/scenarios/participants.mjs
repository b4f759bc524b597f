import { randomUUID } from 'node:crypto';
import { gql, gqlUpload, rss } from '../lib.mjs';

/** 20,000 participants: download the CSV, fill Price Code, upload (check), complete (generate + assign). */
export default async function participantImport({ url, db, admin, apiPid }) {
  const ROWS = 20_000;
  // The demo seed finishes shortly after the API starts: wait for its contract.
  let org;
  let contract;
  for (let i = 0; !contract; i++) {
    const row = (
      await db.query(
        `SELECT c.id, c.organization_id FROM contract c JOIN organization o ON o.id = c.organization_id WHERE o.slug = 'demo-mentoring'`,
      )
    ).rows[0];
    [org, contract] = [row?.organization_id, row?.id];
    if (!contract && i > 100) throw new Error('The demo contract did not appear');
    if (!contract) await new Promise((r) => setTimeout(r, 200));
  }
  await db.query(
    `INSERT INTO participant (id, organization_id, contract_id, first_name, last_name, email, version, created_at, updated_at)
     SELECT id, $1, $2, 'Bench', 'Person ' || n, 'bench' || n || '@example.test', 1, now(), now()
       FROM unnest($3::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [org, contract, Array.from({ length: ROWS }, () => randomUUID())],
  );
  const download = await fetch(`${url}/exports/contracts/${contract}/participants.csv`, { headers: { authorization: `Bearer ${admin}` } });
  const lines = (await download.text()).replace(/^\ufeff/, '').split('\r\n');
  const filled = [
    lines[0],
    ...lines
      .slice(1)
      .filter(Boolean)
      .map((line) => line.replace(/,,$/, ',MENTEE,')),
  ].join('\r\n');
  const rssBefore = await rss(apiPid);
  let started = performance.now();
  const upload = await gqlUpload(
    url,
    admin,
    `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status rowCount assignmentCount } }`,
    { input: { contractId: contract, file: null } },
    filled,
  );
  const checkMs = performance.now() - started;
  const check = upload.data?.uploadParticipantCodes;
  if (!check || check.status !== 'VALID' || check.assignmentCount < ROWS) throw new Error(`Upload not valid: ${JSON.stringify(upload)}`);
  started = performance.now();
  const done = await gql(
    url,
    admin,
    `mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { status assignmentCount } }`,
    { id: check.id },
  );
  const completeMs = performance.now() - started;
  if (done.data?.completeParticipantImport?.status !== 'COMPLETED') throw new Error(`Complete failed: ${JSON.stringify(done)}`);
  const peak = Math.max(rssBefore, await rss(apiPid));
  const rate = (ms) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} rows/s`;
  return [
    {
      scenario: `participants: check ${ROWS.toLocaleString('en')} rows (upload)`,
      tessera: `${(checkMs / 1000).toFixed(2)} s (${rate(checkMs)})`,
      rss: peak,
    },
    {
      scenario: `participants: complete ${ROWS.toLocaleString('en')} rows (generate + assign codes)`,
      tessera: `${(completeMs / 1000).toFixed(2)} s (${rate(completeMs)})`,
      rss: peak,
    },
  ];
}
