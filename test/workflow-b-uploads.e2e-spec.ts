import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Organization } from '../src/identity/entities/organization.entity';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'workflow-b', name));

const IMPORT_FIELDS = `id status purpose rowCount seatsFree progress error problems { row column value message }`;
const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { ${IMPORT_FIELDS} } }`;
const UPLOAD_INVITES = `mutation($input: UploadInvitationsInput!) { uploadInvitations(input: $input) { ${IMPORT_FIELDS} } }`;
const COMPLETE = `mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { ${IMPORT_FIELDS} } }`;
const GET = `query($id: UUID!) { peopleImport(id: $id) { ${IMPORT_FIELDS} } }`;
const SEATS = `query($org: UUID!) { inventorySummary(organizationId: $org) { byStatus { status count } } }`;

describe('workflow B, option 3 and invitations from a file: check first, then carry out', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  const counts = async () =>
    Object.fromEntries(
      (await admin.client.ok(SEATS, { org: organization.id })).inventorySummary.byStatus.map((row: { status: string; count: number }) => [
        row.status,
        row.count,
      ]),
    );
  const upload = async (query: string, file: string | Buffer, extra: Record<string, unknown> = {}) => {
    const result = await admin.client.upload(
      query,
      { input: { organizationId: organization.id, priceId, file: null, ...extra } },
      { 'input.file': { content: file, filename: 'people.csv' } },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return Object.values(result.data!)[0] as Record<string, any>;
  };

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://lms.example.test' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Bulk Buyer'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Safety training' }));
    await fixtures.codes(organization, { quantity: 260, priceId });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('reports every problem of a broken file by row and column, and writes nothing', async () => {
    const report = await upload(UPLOAD_SEATS, fixture('people-broken.csv'));
    expect(report).toMatchObject({ status: 'INVALID', rowCount: 5 });
    expect(report.problems.map((p: { row: number; column: string; message: string }) => [p.row, p.column, p.message])).toEqual([
      [3, 'First name', 'Is empty: a new account needs the name.'],
      [4, 'E-mail', 'Is not an e-mail address.'],
      [5, 'E-mail', 'Appears twice: also on row 2.'],
      [6, 'Password', 'Must be 10 to 1024 characters long, or empty for a set-password link.'],
    ]);
    expect(report.problems[3].value).toBe('(hidden)');
    expect(await admin.client.fails(COMPLETE, { id: report.id })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'IMPORT_HAS_PROBLEMS' },
    });
    expect(await counts()).toMatchObject({ AVAILABLE: 260 });
  });

  it('says what is missing when the columns are wrong', async () => {
    const report = await upload(UPLOAD_SEATS, 'Name,Address\r\nOla,ola@example.test\r\n');
    expect(report.problems.map((p: { column: string }) => p.column)).toEqual(['First name', 'Last name', 'E-mail']);
  });

  it('checks a spreadsheet’s file, then gives every person a seat in one go, with their mails', async () => {
    const report = await upload(UPLOAD_SEATS, fixture('people.csv'));
    expect(report).toMatchObject({ status: 'VALID', rowCount: 3, seatsFree: 260, problems: [] });
    expect(await counts()).toMatchObject({ AVAILABLE: 260 });
    const done = (await admin.client.ok(COMPLETE, { id: report.id })).completePeopleImport;
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(await counts()).toMatchObject({ AVAILABLE: 257, REDEEMED: 3 });

    await eventually(() => expect(smtp.mailsTo('anne.marie@example.test')).toHaveLength(1));
    expect(smtp.mailsTo('anne.marie@example.test')[0].subject).toBe('Your account at Bulk Buyer');
    expect(smtp.mailsTo('anne.marie@example.test')[0].text).toContain('Hello Anne-Marie, Jr.,');
    // Kai's password came in the file: besides the registration, the platform asks him to confirm the address (and choose his own).
    await eventually(() => expect(smtp.mailsTo('kai@example.test')).toHaveLength(2));
    expect(
      smtp
        .mailsTo('kai@example.test')
        .map((mail) => mail.subject)
        .sort(),
    ).toEqual(['Confirm your e-mail address', 'You are registered for Safety training']);
    const login = await t.client.ok(
      `mutation { login(input: { email: "kai@example.test", password: "a strong password 1" }) { accessToken } }`,
    );
    expect(login.login.accessToken).toBeTruthy();

    expect((await admin.client.fails(COMPLETE, { id: report.id })).message).toContain('carried out already');
    const again = await upload(UPLOAD_SEATS, fixture('people.csv'));
    expect(again.problems.map((p: { row: number; message: string }) => [p.row, p.message])).toEqual([
      [2, 'Already has access to this product.'],
      [3, 'Already has access to this product.'],
      [4, 'Already has access to this product.'],
    ]);
  });

  it('invites every address of a semicolon-separated file', async () => {
    const report = await upload(UPLOAD_INVITES, fixture('addresses.csv'), { message: 'See you there' });
    expect(report).toMatchObject({ status: 'VALID', rowCount: 2, purpose: 'INVITE' });
    await admin.client.ok(COMPLETE, { id: report.id });
    expect(await counts()).toMatchObject({ AVAILABLE: 255, PENDING: 2 });
    await eventually(() => expect(smtp.mailsTo('invitee2@example.test')).toHaveLength(1));
    expect(smtp.mailsTo('invitee2@example.test')[0].text).toContain('See you there');
  });

  it('refuses a file with more people than free seats, saying how many are free', async () => {
    const rows = Array.from({ length: 256 }, (_, i) => `P,${i},p${i}@many.test`).join('\r\n');
    const report = await upload(UPLOAD_SEATS, `First name,Last name,E-mail\r\n${rows}\r\n`);
    expect(report.problems).toEqual([
      { row: 1, column: '', value: '', message: 'The file has 256 people and the price has 255 free seats.' },
    ]);
  });

  it('carries out a large file in the background, with progress, in one transaction', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `Big,${i},big${i}@bulk.test`).join('\r\n');
    const report = await upload(UPLOAD_SEATS, `First name,Last name,E-mail\r\n${rows}\r\n`);
    expect(report.status).toBe('VALID');
    const started = (await admin.client.ok(COMPLETE, { id: report.id })).completePeopleImport;
    expect(started.status).toBe('RUNNING');
    const finished = await eventually(
      async () => {
        const current = (await admin.client.ok(GET, { id: report.id })).peopleImport;
        expect(current.status).toBe('COMPLETED');
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(finished.progress).toBe(100);
    expect(await counts()).toMatchObject({ AVAILABLE: 5, REDEEMED: 253 });
    const [{ hashes }] = await t.dataSource.query(
      `SELECT count(*)::int AS hashes FROM people_import WHERE people <> '[]'::jsonb AND status = 'COMPLETED'`,
    );
    expect(hashes).toBe(0);
  }, 90_000);

  it('answers a broken upload (a NUL byte in the file name) as the uploader’s error', async () => {
    const result = await admin.client.upload(
      UPLOAD_SEATS,
      { input: { organizationId: organization.id, priceId, file: null } },
      { 'input.file': { content: 'First name,Last name,E-mail\r\nA,B,a@example.test\r\n', filename: 'peo\u0000ple.csv' } },
    );
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'file' }] });
  });

  it('keeps other organisations out', async () => {
    const { admin: stranger } = await new Fixtures(t).organization('Elsewhere');
    const result = await stranger.client.upload(
      UPLOAD_SEATS,
      { input: { organizationId: organization.id, priceId, file: null } },
      { 'input.file': { content: fixture('people.csv'), filename: 'people.csv' } },
    );
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
