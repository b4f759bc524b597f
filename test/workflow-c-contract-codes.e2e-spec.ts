import { Alphabet, matchesFormat } from '@tessera/codes';
import { Fixtures, GraphQLClient, Person, TestApp } from '@tessera/testing';
import { parseString } from 'fast-csv';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Workflow C (DESIGN.md): a booking platform's organisation, its contract with an invitation
 * prefix and allowed prices, participants, codes generated unassigned and per participant, and
 * the spreadsheet round trip — download, fill Price Code, upload, read the report, fix, complete,
 * download with codes — then the participant using their code at registration.
 */
const FIXTURES = join(__dirname, 'fixtures', 'workflow-c');

const CREATE_PARTICIPANT = `mutation($input: CreateParticipantInput!) { createParticipant(input: $input) { participant { id version } } }`;
const UPLOAD = `mutation($input: UploadParticipantCodesInput!) {
  uploadParticipantCodes(input: $input) { id status rowCount assignmentCount problems { row column value message } }
}`;
const COMPLETE = `mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { id status assignmentCount completedAt } }`;
const LOOKUP = `query($code: String!) {
  registrationCode(code: $code) {
    code usable reason product { name description } price { name accessDays } participant { firstName emailHint phoneHint }
  }
}`;

interface Row {
  [column: string]: string;
}

describe('workflow C: contract invitation codes and the participant CSV round trip', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let contractId: string;
  const participants: { id: string; version: number }[] = [];

  beforeAll(async () => {
    t = await TestApp.create();
    ({ organization, admin } = await new Fixtures(t).organization('Harbour Booking'));
  });
  afterAll(() => t.close());

  it('sets up the product, its prices and a contract that allows two of them', async () => {
    const { createProduct } = await admin.client.ok(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id milestones { key label } } } }`,
      {
        input: {
          ownerOrganizationId: organization.id,
          name: 'Sailing course',
          description: 'Ten lessons on the water.',
          milestones: [{ key: 'theory_passed', label: 'Theory passed' }],
        },
      },
    );
    const price = async (priceCode: string, name: string, accessDays: number) =>
      (
        await admin.client.ok(`mutation($input: CreatePriceInput!) { createPrice(input: $input) { price { id } } }`, {
          input: { productId: createProduct.product.id, priceCode, name, accessDays, amountMinor: 25_000, currency: 'eur' },
        })
      ).createPrice.price.id as string;
    const std = await price('STD', 'Standard', 90);
    const mentor = await price('MENTOR', 'Mentor', 180);
    await price('VIP', 'VIP', 365);
    const bad = await admin.client.fails(`mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`, {
      input: { organizationId: organization.id, name: 'Harbour 2026', invitationPrefix: 'HO1' },
    });
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'invitationPrefix' }] } });
    const { createContract } = await admin.client.ok(
      `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id invitationPrefix status prices { priceCode } } } }`,
      { input: { organizationId: organization.id, name: 'Harbour 2026', invitationPrefix: 'hb', priceIds: [std, mentor] } },
    );
    expect(createContract.contract).toMatchObject({ invitationPrefix: 'HB', status: 'ACTIVE' });
    expect(createContract.contract.prices.map((p: { priceCode: string }) => p.priceCode).sort()).toEqual(['MENTOR', 'STD']);
    contractId = createContract.contract.id;
  });

  it('generates unassigned codes for the contract, shows the product behind them and downloads them as CSV', async () => {
    const [std] = await t.dataSource.query(`SELECT id FROM price WHERE price_code = 'STD'`);
    const { generateCodes } = await admin.client.ok(
      `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id status createdCount prefix } } }`,
      { input: { organizationId: organization.id, contractId, priceId: std.id, quantity: 30, width: 8 } },
    );
    expect(generateCodes.batch).toMatchObject({ status: 'COMPLETED', createdCount: 30, prefix: 'HB' });
    const { codes } = await admin.client.ok(
      `query($org: UUID!, $contract: UUID!) { codes(organizationId: $org, filter: { contractId: $contract }, first: 5) { totalCount edges { node { code product { name milestones { key } } price { priceCode } } } } }`,
      { org: organization.id, contract: contractId },
    );
    expect(codes.totalCount).toBe(30);
    expect(codes.edges[0].node).toMatchObject({
      product: { name: 'Sailing course', milestones: [{ key: 'theory_passed' }] },
      price: { priceCode: 'STD' },
    });
    const response = await fetch(`${t.url}/exports/codes.csv?organizationId=${organization.id}&contractId=${contractId}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const rows = await parseRows(
      Buffer.from(await response.arrayBuffer())
        .subarray(3)
        .toString('utf8'),
    );
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.code.startsWith('HB') && r.price_code === 'STD')).toBe(true);
  });

  it('adds participants and lists them with search', async () => {
    // Before anyone is added, the file already has the columns to fill.
    const empty = await download(t, admin, contractId);
    expect(empty.bytes.toString('utf8')).toBe(
      '\ufeffParticipant ID,Row Version,First Name,Last Name,E-mail,Phone,Date of Birth,External Reference,Price Code,Invitation Code',
    );
    const people = [
      {
        firstName: 'Ada',
        lastName: 'Okafor, Jr.',
        email: 'Ada.Okafor@example.test',
        phone: '+44 20 7946 0001',
        dateOfBirth: '1990-04-23',
        externalReference: 'EMP-001',
      },
      {
        firstName: 'Bjørn',
        lastName: 'Larsen',
        email: 'bjorn@example.test',
        dateOfBirth: '1985-12-01',
        externalReference: 'Team B, floor 3',
      },
      { firstName: 'Chen', lastName: 'Wei', email: 'chen.wei@example.test', externalReference: 'EMP-003' },
      { firstName: 'Dana', lastName: "O'Neil", email: 'dana@example.test', externalReference: 'multi\nline ref' },
      { firstName: 'Eve', lastName: 'Adams', email: 'eve@example.test', externalReference: 'EMP-005' },
    ];
    for (const person of people) {
      const { createParticipant } = await admin.client.ok(CREATE_PARTICIPANT, { input: { contractId, ...person } });
      participants.push(createParticipant.participant);
    }
    const { participants: found } = await admin.client.ok(
      `query($id: UUID!, $filter: ParticipantFilter) { participants(contractId: $id, filter: $filter) { totalCount edges { node { firstName email } } } }`,
      { id: contractId, filter: { search: 'okafor' } },
    );
    expect(found).toEqual({ totalCount: 1, edges: [{ node: { firstName: 'Ada', email: 'ada.okafor@example.test' } }] });
    const bad = await admin.client.fails(CREATE_PARTICIPANT, {
      input: { contractId, firstName: 'X', lastName: 'Y', email: 'nope', dateOfBirth: '1990-13-45' },
    });
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect((bad.extensions!.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['dateOfBirth', 'email']);
  });

  it('downloads the participants CSV as a spreadsheet expects it', async () => {
    const { bytes, rows } = await download(t, admin, contractId);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      'Participant ID': participants[0].id,
      'Last Name': 'Okafor, Jr.',
      'Price Code': '',
      'Invitation Code': '',
    });
    expect(rows[3]['External Reference']).toBe('multi\nline ref');
  });

  it('reports every problem of a broken file by row and column, and writes nothing', async () => {
    const result = await upload(admin.client, contractId, await fixture('participants-broken.csv', participants), 'broken.csv');
    expect(result).toMatchObject({ status: 'INVALID', rowCount: 8, assignmentCount: 0 });
    expect(result.problems.map((p: Row) => [p.row, p.column, p.message.split(/[:.]/)[0]])).toEqual([
      [2, 'Price Code', 'Unknown price code'],
      [3, 'Price Code', 'This price is not allowed by the contract'],
      [4, 'Row Version', 'The participant changed since this file was downloaded'],
      [5, 'Participant ID', 'No such participant in this contract'],
      [6, 'Participant ID', 'Duplicate row'],
      [7, 'E-mail', 'Is not an e-mail address'],
      [8, 'Participant ID', 'Is not a participant id from the downloaded list'],
      [9, 'First Name', 'Differs from Tessera'],
    ]);
    expect(result.problems[0]).toMatchObject({ value: 'NOPE', message: expect.stringContaining('STD, MENTOR') });
    expect(result.problems[4].message).toContain('row 2');
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM code WHERE organization_id = $1', [organization.id]);
    expect(n).toBe(30); // only the unassigned codes generated earlier
    expect((await admin.client.fails(COMPLETE, { id: result.id })).code).toBe('CONFLICT');
  });

  it('reads the semicolon-separated export of LibreOffice and European Excel', async () => {
    const result = await upload(
      admin.client,
      contractId,
      await fixture('participants-libreoffice-semicolon.csv', participants),
      'semicolon.csv',
    );
    expect(result).toMatchObject({ status: 'VALID', rowCount: 1, assignmentCount: 1, problems: [] });
  });

  it('completes a corrected file: codes generated and assigned in one go, then in the download', async () => {
    const result = await upload(admin.client, contractId, await fixture('participants-filled-excel.csv', participants), 'filled.csv');
    expect(result).toMatchObject({ status: 'VALID', rowCount: 5, assignmentCount: 4, problems: [] });
    const { completeParticipantImport } = await admin.client.ok(COMPLETE, { id: result.id });
    expect(completeParticipantImport).toMatchObject({ status: 'COMPLETED', assignmentCount: 4 });
    expect((await admin.client.fails(COMPLETE, { id: result.id })).code).toBe('CONFLICT');

    const { rows } = await download(t, admin, contractId);
    const format = { alphabet: Alphabet.DEFAULT, width: 10, prefix: 'HB', checkCharacter: true };
    expect(rows.map((r) => r['Price Code'])).toEqual(['STD', 'STD', '', 'MENTOR', 'STD']);
    for (const row of rows.filter((r) => r['Price Code'])) expect(matchesFormat(row['Invitation Code'], format)).toBe(true);
    expect(rows[2]['Invitation Code']).toBe('');

    // The same file again: rows that got their codes are simply done; nothing changes.
    const again = await upload(admin.client, contractId, toCsv(rows), 'again.csv');
    expect(again).toMatchObject({ status: 'VALID', assignmentCount: 0, problems: [] });
  });

  it('gives one participant their own code, once', async () => {
    const generate = `mutation($input: GenerateParticipantCodeInput!) { generateParticipantCode(input: $input) { participant { id code { code status } } code { code contract { id } price { priceCode } } } }`;
    const prices = await t.dataSource.query(`SELECT id, price_code FROM price WHERE price_code IN ('MENTOR', 'VIP')`);
    const mentor = prices.find((p: { price_code: string }) => p.price_code === 'MENTOR').id;
    const vip = prices.find((p: { price_code: string }) => p.price_code === 'VIP').id;
    const notAllowed = await admin.client.fails(generate, { input: { participantId: participants[2].id, priceId: vip } });
    expect(notAllowed).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'priceId' }] } });
    const { generateParticipantCode } = await admin.client.ok(generate, {
      input: { participantId: participants[2].id, priceId: mentor, width: 8 },
    });
    expect(generateParticipantCode.code).toMatchObject({ contract: { id: contractId }, price: { priceCode: 'MENTOR' } });
    expect(generateParticipantCode.participant.code.code).toBe(generateParticipantCode.code.code);
    expect((await admin.client.fails(generate, { input: { participantId: participants[2].id, priceId: mentor } })).code).toBe('CONFLICT');
  });

  it('lets the participant look their code up before registering: product, terms and their details, nothing more', async () => {
    const { rows } = await download(t, admin, contractId);
    const ada = rows[0]['Invitation Code'];
    const typed = `${ada.slice(0, 2).toLowerCase()} ${ada.slice(2, 6)}-${ada.slice(6)}`;
    const { registrationCode } = await t.client.ok(LOOKUP, { code: typed });
    expect(registrationCode).toEqual({
      code: ada,
      usable: true,
      reason: null,
      product: { name: 'Sailing course', description: 'Ten lessons on the water.' },
      price: { name: 'Standard', accessDays: 90 },
      // Whoever holds the code is greeted and given hints, never Ada's name, address, phone or date of birth.
      participant: { firstName: 'Ada', emailHint: 'a•••@example.test', phoneHint: '•••01' },
    });
    expect((await t.client.ok(LOOKUP, { code: 'HB-NOT-A-CODE' })).registrationCode).toMatchObject({
      usable: false,
      reason: 'NOT_FOUND',
      product: null,
    });

    // Ada registers with her own details and redeems her code: the registration carries her participant record.
    const adaPerson = await new Fixtures(t).person({ email: 'ada.okafor@example.test', firstName: 'Ada', lastName: 'Okafor, Jr.' });
    const { redeemCode } = await adaPerson.client.ok(
      `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id product { name } } } }`,
      { code: typed },
    );
    expect(redeemCode.grant.product.name).toBe('Sailing course');
    const { accessGrants } = await admin.client.ok(
      `query($org: UUID!) { accessGrants(organizationId: $org, filter: { search: "okafor" }) { edges { node { id user { email } participant { firstName lastName email } } } } }`,
      { org: organization.id },
    );
    expect(accessGrants.edges).toEqual([
      {
        node: {
          id: redeemCode.grant.id,
          user: { email: 'ada.okafor@example.test' },
          participant: { firstName: 'Ada', lastName: 'Okafor, Jr.', email: 'ada.okafor@example.test' },
        },
      },
    ]);
    expect((await t.client.ok(LOOKUP, { code: ada })).registrationCode).toMatchObject({ usable: false, reason: 'REDEEMED' });

    const [{ id }] = await t.dataSource.query('SELECT id FROM code WHERE code = $1', [rows[1]['Invitation Code']]);
    await admin.client.ok(`mutation($id: UUID!) { voidCode(input: { codeId: $id }) { code { status } } }`, { id });
    expect((await t.client.ok(LOOKUP, { code: rows[1]['Invitation Code'] })).registrationCode).toMatchObject({
      usable: false,
      reason: 'VOID',
      participant: null,
    });
    // The voided code frees Bjørn's slot: he can be given a new one.
    const [mentor] = await t.dataSource.query(`SELECT id FROM price WHERE price_code = 'MENTOR'`);
    const regenerated = await admin.client.ok(
      `mutation($input: GenerateParticipantCodeInput!) { generateParticipantCode(input: $input) { code { code } } }`,
      { input: { participantId: participants[1].id, priceId: mentor.id } },
    );
    expect(regenerated.generateParticipantCode.code.code).not.toBe(rows[1]['Invitation Code']);

    // Archiving the contract ends what its codes can do.
    await admin.client.ok(`mutation($id: UUID!) { archiveContract(input: { contractId: $id }) { contract { status } } }`, {
      id: contractId,
    });
    const [{ code: untouched }] = await t.dataSource.query(
      `SELECT code FROM code WHERE contract_id = $1 AND status = 'AVAILABLE' LIMIT 1`,
      [contractId],
    );
    expect((await t.client.ok(LOOKUP, { code: untouched })).registrationCode).toMatchObject({
      usable: false,
      reason: 'CONTRACT_NOT_ACTIVE',
      participant: null,
    });
    const redeemLate = await adaPerson.client.fails(`mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`, {
      code: untouched,
    });
    expect(redeemLate).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'CONTRACT_NOT_ACTIVE' } });
    const late = await admin.client.fails(CREATE_PARTICIPANT, { input: { contractId, firstName: 'Late', lastName: 'Comer' } });
    expect(late.code).toBe('CONFLICT');
  });

  it('charges wrong look-ups to the client’s guessing budget (redeemCode’s 50 a quarter of an hour)', async () => {
    let limited: string | undefined;
    let answered = 0;
    for (let i = 0; i < 60 && !limited; i++) {
      const result = await t.client.request(LOOKUP, { code: `GUESS${i}` });
      limited = result.errors?.[0]?.extensions?.code;
      if (!limited) answered++;
    }
    expect(limited).toBe('RATE_LIMITED');
    expect(answered).toBeLessThanOrEqual(50);
  });
});

async function fixture(name: string, participants: { id: string; version: number }[]): Promise<Buffer> {
  let text = await readFile(join(FIXTURES, name), 'utf8');
  participants.forEach((p, i) => {
    text = text.replaceAll(`{{P${i + 1}}}`, p.id).replaceAll(`{{V${i + 1}}}`, String(p.version));
  });
  return Buffer.from(text, 'utf8');
}

async function upload(client: GraphQLClient, contractId: string, content: Buffer | string, filename: string) {
  const result = await client.upload(UPLOAD, { input: { contractId, file: null } }, { 'input.file': { content, filename } });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.uploadParticipantCodes;
}

async function download(t: TestApp, admin: Person, contractId: string): Promise<{ bytes: Buffer; rows: Row[] }> {
  const response = await fetch(`${t.url}/exports/contracts/${contractId}/participants.csv`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, rows: await parseRows(bytes.subarray(3).toString('utf8')) };
}

function parseRows(text: string): Promise<Row[]> {
  return new Promise<Row[]>((resolve, reject) => {
    const out: Row[] = [];
    parseString(text, { headers: true })
      .on('error', reject)
      .on('data', (row: Row) => out.push(row))
      .on('end', () => resolve(out));
  });
}

function toCsv(rows: Row[]): string {
  const headers = Object.keys(rows[0]);
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [headers.join(','), ...rows.map((row) => headers.map((h) => quote(row[h])).join(','))].join('\r\n');
}
