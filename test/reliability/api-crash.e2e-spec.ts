import { ApiProcess, describeWithRedis, Fixtures, Person, TestApp } from '@tessera/testing';
import { randomBytes } from 'node:crypto';
import { Organization } from '../../src/identity/entities/organization.entity';

const IMPORT = `mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported alreadyStoredCount batch { id } } }`;
const LINES = 100_000;
/** When each round's process is killed: so many ms into the request, or once it has answered. */
const KILL_AFTER_MS: (number | 'answered')[] = [300, 1200, 'answered'];
const ROUNDS = KILL_AFTER_MS.length;

describeWithRedis('reliability: an API process killed in the middle of an import', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    ({ organization, admin } = await new Fixtures(t).organization('Crash Org'));
  });
  afterAll(() => t.close());

  const stored = async (prefix: string) => {
    const [{ codes, batches }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM code WHERE organization_id = $1 AND code LIKE $2) AS codes,
              (SELECT count(*)::int FROM code_batch b WHERE b.organization_id = $1
                  AND EXISTS (SELECT 1 FROM code c WHERE c.batch_id = b.id AND c.code LIKE $2)) AS batches`,
      [organization.id, `${prefix}%`],
    );
    return { codes: codes as number, batches: batches as number };
  };

  it(`leaves each import complete or absent, and the same paste can be imported again (${ROUNDS} kills)`, async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `KILL${round}${randomBytes(3).toString('hex').toUpperCase()}`;
      const text = Array.from({ length: LINES }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`).join('\n');
      const api: ApiProcess = await t.startApiProcess();
      // Killed while the request is on its way (parsing, staging, inserting), and once after it is done.
      const answer = api.client.as(admin.token).request(IMPORT, { input: { organizationId: organization.id, text } });
      const when = KILL_AFTER_MS[round];
      await (when === 'answered' ? answer : new Promise((resolve) => setTimeout(resolve, when)));
      await api.kill('SIGKILL');
      await answer.catch(() => undefined);

      const after = await stored(prefix);
      // All of it in one batch, or none of it: never a part.
      expect([
        { codes: 0, batches: 0 },
        { codes: LINES, batches: 1 },
      ]).toContainEqual(after);
      outcomes.push(after.codes ? 'complete' : 'absent');

      // Run again on a live process: what is stored already is reported, the rest imported.
      const again = await admin.client.ok<{ importCodes: { imported: number; alreadyStoredCount: number } }>(IMPORT, {
        input: { organizationId: organization.id, text },
      });
      expect(again.importCodes.imported + again.importCodes.alreadyStoredCount).toBe(LINES);
      expect(again.importCodes.imported).toBe(after.codes ? 0 : LINES);
      expect((await stored(prefix)).codes).toBe(LINES);
    }
    // The early kills find nothing written; the late one finds the import whole.
    expect(outcomes[0]).toBe('absent');
    expect(outcomes[ROUNDS - 1]).toBe('complete');
  }, 180_000);
});
