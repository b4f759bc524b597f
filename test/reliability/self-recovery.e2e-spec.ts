import { describeWithRedis, eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { JobQueue } from '@tessera/queue';
import { Client } from 'pg';
import { PEOPLE_IMPORT_INLINE_MAX, PEOPLE_IMPORT_MAX_RESUMES, PeopleImportService } from '../../src/distribution/people-import.service';

const IMPORT_FIELDS = `id status progress error`;
const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { ${IMPORT_FIELDS} } }`;
const COMPLETE = `mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { ${IMPORT_FIELDS} } }`;
const GET = `query($id: UUID!) { peopleImport(id: $id) { ${IMPORT_FIELDS} } }`;
const ROWS = PEOPLE_IMPORT_INLINE_MAX + 20; // carried out in the background
/** A RUNNING import without progress for this long, and held by no worker, is resumed. */
const RESUME_AFTER_MS = 2000;

describeWithRedis('reliability: background imports recover by themselves', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let admin: Person;
  let organizationId: string;
  let priceId: string;

  beforeEach(async () => {
    smtp = await SmtpSink.start();
  });
  afterEach(async () => {
    await t?.close();
    await smtp.close();
  });

  async function start(env: Record<string, string>): Promise<void> {
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, ...env } });
    const fixtures = new Fixtures(t);
    const { organization, admin: orgAdmin } = await fixtures.organization('Recovering');
    ({ id: organizationId } = organization);
    admin = orgAdmin;
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Safety training' }));
    await fixtures.codes(organization, { quantity: ROWS, priceId });
  }

  /** Uploads a seats file of ROWS people and starts it: RUNNING, with its job queued. */
  async function startImport(): Promise<string> {
    const rows = Array.from({ length: ROWS }, (_, i) => `Big,${i},big${i}@bulk.test`).join('\r\n');
    const result = await admin.client.upload(
      UPLOAD_SEATS,
      { input: { organizationId, priceId, file: null } },
      { 'input.file': { content: `First name,Last name,E-mail\r\n${rows}\r\n`, filename: 'people.csv' } },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const { id, status } = result.data!.uploadSeatAssignments as { id: string; status: string };
    expect(status).toBe('VALID');
    expect((await admin.client.ok(COMPLETE, { id })).completePeopleImport.status).toBe('RUNNING');
    return id;
  }

  const importRow = async (id: string) =>
    (
      await t.dataSource.query<{ status: string; error: string | null; resumes: number; people: number }[]>(
        `SELECT status, error, resumes, jsonb_array_length(people) AS people FROM people_import WHERE id = $1`,
        [id],
      )
    )[0];
  const seatsTaken = async () =>
    (await t.dataSource.query<{ taken: number }[]>(`SELECT count(*)::int AS taken FROM code WHERE status <> 'AVAILABLE'`))[0].taken;

  it('carries out a RUNNING import whose job Redis lost', async () => {
    // The API only enqueues; no worker runs until Redis has lost everything.
    await start({ WORKERS: 'off', IMPORT_RESUME_AFTER_MS: String(RESUME_AFTER_MS) });
    const id = await startImport();
    await eventually(async () => {
      const [{ unrelayed }] = await t.dataSource.query(`SELECT count(*)::int AS unrelayed FROM domain_event WHERE relayed_at IS NULL`);
      expect(unrelayed).toBe(0);
      expect((await t.app.get(JobQueue).counts('events')).waiting).toBeGreaterThan(0);
    });
    await t.loseQueuedJobs();
    expect(await t.app.get(JobQueue).counts('events')).toMatchObject({ waiting: 0, delayed: 0 });

    // The outbox has nothing left to relay: only the import's deadline brings it back.
    await t.startWorker();
    const done = await eventually(
      async () => {
        const current = (await admin.client.ok(GET, { id })).peopleImport;
        expect(current.status).toBe('COMPLETED');
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(done).toMatchObject({ progress: 100, error: null });
    expect(await importRow(id)).toMatchObject({ resumes: 1, people: 0 });
    expect(await seatsTaken()).toBe(ROWS);
  }, 90_000);

  it('ends FAILED with the reason when its job fails for good, writing nothing', async () => {
    await start({});
    // Every write of progress fails, as a database that has run out of disk would: not the file's fault, so retried.
    await t.dataSource.query(`
      CREATE FUNCTION fail_progress() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
      CREATE TRIGGER fail_progress BEFORE UPDATE ON people_import
        FOR EACH ROW WHEN (NEW.status = 'RUNNING' AND NEW.progress > 0) EXECUTE FUNCTION fail_progress();
    `);
    const id = await startImport();
    const failed = await eventually(
      async () => {
        const current = (await admin.client.ok(GET, { id })).peopleImport;
        expect(current.status).toBe('FAILED');
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // The queue's default: 5 attempts.
    expect(failed.error).toBe('Stopped after 5 attempts: could not extend file: No space left on device');
    expect(await importRow(id)).toMatchObject({ people: 0 });
    expect(await seatsTaken()).toBe(0);
  }, 90_000);

  it('leaves alone an import a worker is still carrying out, and fails one that lost its job too often', async () => {
    await start({ WORKERS: 'off' });
    const imports = t.get(PeopleImportService);
    const held = await startImport();
    const lost = await startImport();
    await t.dataSource.query(`UPDATE people_import SET resume_after = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [
      [held, lost],
    ]);
    await t.dataSource.query(`UPDATE people_import SET resumes = $2 WHERE id = $1`, [lost, PEOPLE_IMPORT_MAX_RESUMES]);

    // A worker's run holds the import's advisory lock for as long as it lasts.
    const worker = new Client({ connectionString: t.runtime.databaseUrl });
    await worker.connect();
    try {
      await worker.query('BEGIN');
      await worker.query(`SELECT pg_advisory_xact_lock(hashtext('people_import'), hashtext($1))`, [held]);
      expect(await imports.resumeOverdue()).toEqual({ resumed: [], failed: [lost] });
      await worker.query('ROLLBACK');
    } finally {
      await worker.end();
    }
    expect(await importRow(held)).toMatchObject({ status: 'RUNNING', resumes: 0 });
    const [{ pushed }] = await t.dataSource.query(`SELECT resume_after > now() AS pushed FROM people_import WHERE id = $1`, [held]);
    expect(pushed).toBe(true);
    expect(await importRow(lost)).toMatchObject({
      status: 'FAILED',
      error: `Its background job was lost ${PEOPLE_IMPORT_MAX_RESUMES + 1} times; upload the file again.`,
      people: 0,
    });
  }, 60_000);
});
