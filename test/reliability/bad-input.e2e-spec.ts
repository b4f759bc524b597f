import { Logger } from '@nestjs/common';
import { encodeCursor } from '@tessera/common';
import { Fixtures, GraphQLResponse, Person, TestApp } from '@tessera/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Organization } from '../../src/identity/entities/organization.entity';

/**
 * The bad input corpus (issue 9): files and GraphQL documents an uploader or a script could send
 * by mistake or on purpose. Each is answered with its documented error code (README "Errors"),
 * never a 500, and leaves every table it could write to as it was. Large inputs are made here,
 * not committed.
 */
const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'bad', name));

/** Small enough that "more rows than allowed" is a small file. */
const MAX_LINES = 50;
const MAX_BYTES = 16 * 1_048_576;

/** Tables an upload or a mutation of this corpus could write to. */
const TABLES = [
  'code',
  'code_batch',
  'code_send',
  'message',
  'access_grant',
  'invitation',
  'purchase_order',
  'organization',
  'participant',
  'people_import',
  'participant_import',
];

const PARTICIPANT_HEADER =
  'Participant ID,Row Version,First Name,Last Name,E-mail,Phone,Date of Birth,External Reference,Price Code,Invitation Code';

const IMPORT_FILE = `mutation($input: ImportCodesFileInput!) { importCodesFromFile(input: $input) { imported malformedCount malformed { line value } } }`;
const IMPORT_TEXT = `mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported malformedCount } }`;
const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status problems { row column message } } }`;
const UPLOAD_INVITES = `mutation($input: UploadInvitationsInput!) { uploadInvitations(input: $input) { id status problems { row column message } } }`;
const UPLOAD_PARTICIPANTS = `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status problems { row column message } } }`;
const GENERATE = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`;
const CODES_MATCHING = `query($org: UUID!, $search: String) { codes(organizationId: $org, filter: { search: $search }) { totalCount } }`;
const CREATE_PARTICIPANT = `mutation($i: CreateParticipantInput!) { createParticipant(input: $i) { participant { id } } }`;
const CREATE_PRODUCT = `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`;
const CODES = `query($org: UUID!, $first: Int!, $after: String) { codes(organizationId: $org, first: $first, after: $after) { totalCount edges { node { id } } } }`;

type Endpoint = 'codes' | 'seats' | 'participants';

describe('bad input: every refusal is the caller’s error, and nothing is written', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let stranger: Person;
  let priceId: string;
  let productId: string;
  let contractId: string;
  let participantId: string;
  let participantRow: string;
  let codeIds: string[];

  const rowCounts = async (): Promise<Record<string, number>> => {
    const [counts] = await t.dataSource.query(
      `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    );
    return counts as Record<string, number>;
  };

  /** Runs `attempt` and checks the tables it might have written to are as they were. */
  const writesNothing = async <T>(attempt: () => Promise<T>, except: string[] = []): Promise<T> => {
    const before = await rowCounts();
    const result = await attempt();
    const after = await rowCounts();
    const kept = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).filter(([table]) => !except.includes(table)));
    expect(kept(after)).toEqual(kept(before));
    return result;
  };

  /** The first error has this code (and names this field), and the status is not a server error. */
  const expectRefused = (result: GraphQLResponse, code: string, field?: string) => {
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    if (field) {
      expect(result.errors![0].extensions!.fields).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]),
      );
    }
  };

  const upload = (endpoint: Endpoint, content: Buffer | string, who: Person = admin, filename = 'bad.csv') => {
    const file = { 'input.file': { content, filename } };
    switch (endpoint) {
      case 'codes':
        return who.client.upload(IMPORT_FILE, { input: { organizationId: organization.id, column: 'code', file: null } }, file);
      case 'seats':
        return who.client.upload(UPLOAD_SEATS, { input: { organizationId: organization.id, priceId, file: null } }, file);
      case 'participants':
        return who.client.upload(UPLOAD_PARTICIPANTS, { input: { contractId, width: 10, file: null } }, file);
    }
  };

  beforeAll(async () => {
    t = await TestApp.create({
      env: { CODE_IMPORT_MAX_LINES: String(MAX_LINES), UPLOAD_MAX_BYTES: String(MAX_BYTES), LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' },
    });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Bad Input Ltd'));
    ({ admin: stranger } = await fixtures.organization('Elsewhere'));
    ({
      price: { id: priceId },
      product: { id: productId },
    } = await fixtures.catalogue(organization));
    codeIds = (await fixtures.codes(organization, { quantity: 5, priceId })).map((code) => code.id);
    const { createContract } = await admin.client.ok(
      `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`,
      { input: { organizationId: organization.id, name: 'Bad input contract', invitationPrefix: 'BX', priceIds: [priceId] } },
    );
    contractId = createContract.contract.id;
    const { createParticipant } = await admin.client.ok(
      `mutation($input: CreateParticipantInput!) { createParticipant(input: $input) { participant { id version } } }`,
      { input: { contractId, firstName: 'Ada', lastName: 'Okafor', email: 'ada@example.test' } },
    );
    participantId = createParticipant.participant.id;
    participantRow = `${createParticipant.participant.id},${createParticipant.participant.version},Ada,Okafor,ada@example.test,,,,STD,`;
  });
  afterAll(() => t?.close());

  describe('files every upload refuses before reading a row', () => {
    const refusedFiles: [string, () => Buffer | string][] = [
      ['a 20 MB single line', () => Buffer.alloc(20 * 1_048_576, 'A')],
      ['binary garbage', () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64 * 1024)])],
      [
        'UTF-16 with a byte-order mark (Excel’s "Unicode text")',
        () => Buffer.from(`\ufeffcode,First name,Last name,E-mail\r\nABCD-EFGH-JK,A,B,a@example.test\r\n`, 'utf16le'),
      ],
      ['invalid UTF-8 (Latin-1 "ø")', () => fixture('people-latin1.csv')],
      ['a NUL byte in otherwise valid UTF-8', () => 'code,First name\r\nABCD\u0000EFGH,A\r\n'],
      ['an empty file', () => ''],
      ['only a byte-order mark and blank lines', () => fixture('empty-with-bom.csv')],
      ['rows with more columns than the header', () => fixture('codes-ragged-rows.csv')],
      ['rows with fewer columns than the header', () => 'code,First name,Last name,E-mail\r\nABCD-EFGH-JK\r\n'],
      ['the same column twice', () => fixture('codes-repeated-column.csv')],
      ['an unterminated quote', () => 'code,First name\r\n"ABCD-EFGH-JK,A\r\n'],
      [
        `more than ${MAX_LINES} rows`,
        () =>
          `code,First name,Last name,E-mail\r\n${Array.from({ length: MAX_LINES + 1 }, (_, i) => `C${i}XYZW,F,L,p${i}@example.test`).join('\r\n')}\r\n`,
      ],
    ];
    const endpoints: Endpoint[] = ['codes', 'seats', 'participants'];

    it.each(refusedFiles.flatMap(([label, make]) => endpoints.map((endpoint) => [label, endpoint, make] as const)))(
      '%s, sent to the %s upload: BAD_USER_INPUT on "file"',
      async (_label, endpoint, make) => {
        const result = await writesNothing(() => upload(endpoint, make()));
        expectRefused(result, 'BAD_USER_INPUT', 'file');
      },
    );

    it('a file just over the size limit is refused, one at the limit is read', async () => {
      // Padded with blank rows of spaces: a cell may have at most 32,767 characters, a file 50 rows.
      const head = 'code\r\nNOT A CODE!\r\n';
      const blank = `${' '.repeat(30_000)}\r\n`;
      const rest = MAX_BYTES - head.length - 2;
      const atLimit = `${head}${blank.repeat(Math.floor(rest / blank.length))}${' '.repeat(rest % blank.length)}\r\n`;
      expect(Buffer.byteLength(atLimit)).toBe(MAX_BYTES);
      const read = await writesNothing(() => upload('codes', atLimit));
      expect(read.errors).toBeUndefined();
      expect(read.data!.importCodesFromFile).toMatchObject({ imported: 0, malformedCount: 1 });
      expectRefused(await writesNothing(() => upload('codes', `${atLimit}B`)), 'BAD_USER_INPUT', 'file');
    });

    it('a second file in one request is refused by the multipart reader, not answered with a 500', async () => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({ query: IMPORT_FILE, variables: { input: { organizationId: organization.id, column: 'code', file: null } } }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.input.file'], 1: ['variables.input.file'] }));
      form.append('0', new Blob(['code\r\nABCD-EFGH-JK\r\n']), 'a.csv');
      form.append('1', new Blob(['code\r\nABCD-EFGH-JM\r\n']), 'b.csv');
      const response = await writesNothing(() =>
        fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin.token}` },
          body: form,
        }),
      );
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('a string where the file should be (a JSON request) is BAD_USER_INPUT', async () => {
      const result = await writesNothing(() =>
        admin.client.request(IMPORT_FILE, { input: { organizationId: organization.id, column: 'code', file: 'code\nABCD-EFGH-JK' } }),
      );
      expectRefused(result, 'BAD_USER_INPUT');
    });

    it('a multipart request without the CSRF preflight header is a 400, not a 500', async () => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({ query: IMPORT_FILE, variables: { input: { organizationId: organization.id, file: null } } }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
      form.append('0', new Blob(['code\r\nABCD-EFGH-JK\r\n']), 'a.csv');
      const response = await writesNothing(() =>
        fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` }, body: form }),
      );
      expect(response.status).toBe(400);
    });

    it('an upload the client abandons halfway writes nothing, and the next upload is served', async () => {
      const before = await rowCounts();
      const aborted = new AbortController();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const boundary = '--cut';
          const operations = JSON.stringify({ query: IMPORT_FILE, variables: { input: { organizationId: organization.id, file: null } } });
          controller.enqueue(
            new TextEncoder().encode(
              `${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
                `${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n` +
                `${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\ncode\r\nABCD-EFGH-JK\r\n`,
            ),
          );
          setTimeout(() => aborted.abort(), 200);
        },
      });
      const request = fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: {
          'apollo-require-preflight': 'true',
          authorization: `Bearer ${admin.token}`,
          'content-type': 'multipart/form-data; boundary=cut',
        },
        body,
        duplex: 'half',
        signal: aborted.signal,
      } as RequestInit);
      await expect(request).rejects.toThrow();
      const next = await upload('codes', fixture('codes-formulas.csv'));
      expect(next.data!.importCodesFromFile).toMatchObject({ imported: 0 });
      expect(await rowCounts()).toEqual(before);
    });

    it('a multipart request whose "operations" is not JSON is a 400, not a 500', async () => {
      const form = new FormData();
      form.append('operations', '{ not json');
      form.append('map', '{}');
      const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
      expect(response.status).toBe(400);
    });
  });

  describe('files with the wrong columns', () => {
    it('codes: a file without the named column is BAD_USER_INPUT on "column"', async () => {
      expectRefused(await writesNothing(() => upload('codes', 'Code number,Note\r\nABCD-EFGH-JK,x\r\n')), 'BAD_USER_INPUT', 'column');
    });

    // Parsing costs per cell: a 16 MB file of commas held the event loop for seconds, and the
    // check for repeated column names was quadratic (200,000 columns: over a minute).
    it.each(['codes', 'seats', 'participants'] as Endpoint[])(
      '%s: a header row of 200,000 columns is refused at once',
      async (endpoint) => {
        const header = Array.from({ length: 200_000 }, (_, i) => `column ${i}`).join(',');
        const result = await writesNothing(() => upload(endpoint, `${header}\r\n${','.repeat(199_999)}x\r\n`));
        expectRefused(result, 'BAD_USER_INPUT', 'file');
        expect(result.errors![0].message).toContain('has 200,000 columns; a file may have at most 1,000');
      },
    );

    it('codes: a file of 1,000 columns without the named one lists 20 of them', async () => {
      const header = Array.from({ length: 1000 }, (_, i) => `column ${i}`).join(',');
      const result = await writesNothing(() => upload('codes', `${header}\r\n${','.repeat(999)}x\r\n`));
      expectRefused(result, 'BAD_USER_INPUT', 'column');
      expect(result.errors![0].message).toContain('column 19 and 980 more');
    });

    it('seats and invitations: missing columns are listed in an INVALID report; nothing but the report is written', async () => {
      const seats = await writesNothing(() => upload('seats', 'Name,Address\r\nOla,ola@example.test\r\n'), ['people_import']);
      expect(seats.data!.uploadSeatAssignments).toMatchObject({ status: 'INVALID' });
      expect(seats.data!.uploadSeatAssignments.problems.map((p: { column: string }) => p.column)).toEqual([
        'First name',
        'Last name',
        'E-mail',
      ]);
      const invites = await writesNothing(
        () =>
          admin.client.upload(
            UPLOAD_INVITES,
            { input: { organizationId: organization.id, priceId, file: null } },
            { 'input.file': { content: 'Name\r\nOla\r\n', filename: 'invites.csv' } },
          ),
        ['people_import'],
      );
      expect(invites.data!.uploadInvitations).toMatchObject({ status: 'INVALID', problems: [{ row: 1, column: 'E-mail' }] });
    });

    it('seats: extra columns are ignored, the known ones are checked', async () => {
      const result = await writesNothing(
        () => upload('seats', 'First name,Last name,E-mail,Shoe size,=cmd()\r\nOla,Nordmann,ola@example.test,44,x\r\n'),
        ['people_import'],
      );
      expect(result.data!.uploadSeatAssignments).toMatchObject({ status: 'VALID', problems: [] });
    });

    it('participants: a file without the participant columns is an INVALID report', async () => {
      const result = await writesNothing(() => upload('participants', 'Name,Price\r\nAda,STD\r\n'), ['participant_import']);
      expect(result.data!.uploadParticipantCodes.status).toBe('INVALID');
      expect(result.data!.uploadParticipantCodes.problems.length).toBeGreaterThan(0);
    });

    it('participants: a forged participant id and a row version from the future are problems, not writes', async () => {
      const forged = `${randomUUID()},1,Ghost,Person,ghost@example.test,,,,STD,\r\n`;
      const future = participantRow.replace(/^([^,]+),\d+,/, '$1,999999999999,');
      const result = await writesNothing(
        () => upload('participants', `${PARTICIPANT_HEADER}\r\n${forged}${future}\r\n`),
        ['participant_import'],
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.uploadParticipantCodes).toMatchObject({ status: 'INVALID' });
      expect(result.data!.uploadParticipantCodes.problems.map((p: { row: number }) => p.row)).toEqual(expect.arrayContaining([2, 3]));
    });
  });

  describe('cell contents', () => {
    it('codes: formula payloads are malformed lines, never stored', async () => {
      const result = await writesNothing(() => upload('codes', fixture('codes-formulas.csv')));
      expect(result.errors).toBeUndefined();
      expect(result.data!.importCodesFromFile).toMatchObject({ imported: 0, malformedCount: 5 });
    });

    it('codes: a cell of 32,767 characters (a spreadsheet’s most) is one malformed line, shown shortened', async () => {
      const result = await writesNothing(() => upload('codes', `code\r\n"${'Z'.repeat(32_765)}"\r\n`));
      expect(result.data!.importCodesFromFile.malformed).toEqual([{ line: 2, value: `${'Z'.repeat(100)}…` }]);
    });

    // Issue 16, finding 8: more than a spreadsheet cell holds is refused before it is parsed.
    it('codes: a 2 MB cell is BAD_USER_INPUT on "file" naming its row and column', async () => {
      const result = await writesNothing(() => upload('codes', `code\r\n"${'Z'.repeat(2 * 1_048_576)}"\r\n`));
      expectRefused(result, 'BAD_USER_INPUT', 'file');
      expect(result.errors![0].extensions!.fields).toEqual([
        { field: 'file', message: 'row 2, column "code", has a cell of more than 32,767 characters, more than a spreadsheet cell holds.' },
      ]);
    });

    it('seats: every odd e-mail address is a problem of its row', async () => {
      const result = await writesNothing(() => upload('seats', fixture('people-odd-emails.csv')), ['people_import']);
      const report = result.data!.uploadSeatAssignments;
      expect(report.status).toBe('INVALID');
      expect(report.problems.filter((p: { column: string }) => p.column === 'E-mail').map((p: { row: number }) => p.row)).toEqual([
        2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
      ]);
    });

    it('seats: an address longer than 320 characters and a name longer than 100 are problems', async () => {
      const result = await writesNothing(
        () => upload('seats', `First name,Last name,E-mail\r\n${'N'.repeat(101)},L,${'a'.repeat(400)}@example.test\r\n`),
        ['people_import'],
      );
      expect(result.data!.uploadSeatAssignments.problems.map((p: { column: string }) => p.column).sort()).toEqual(['E-mail', 'First name']);
    });

    // The report shows the first 100 characters of a bad cell: cut inside an emoji, that left half
    // a surrogate pair, which the jsonb column of the report refuses.
    it('seats: a long cell cut inside an emoji is reported, not a 500', async () => {
      const cut = `${'a'.repeat(99)}😀tail`;
      const result = await writesNothing(
        () => upload('seats', `First name,Last name,E-mail\r\n${cut},L,${cut}@example.test\r\n`),
        ['people_import'],
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.uploadSeatAssignments.status).toBe('INVALID');
    });

    it('participants: a long id cut inside an emoji is reported, not a 500', async () => {
      const result = await writesNothing(
        () => upload('participants', `${PARTICIPANT_HEADER}\r\n${'a'.repeat(99)}😀tail,1,A,B,,,,,STD,\r\n`),
        ['participant_import'],
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.uploadParticipantCodes).toMatchObject({ status: 'INVALID', problems: [{ row: 2, column: 'Participant ID' }] });
    });

    it('participants: a formula as price code is a problem of its row', async () => {
      const row = participantRow.replace(/,STD,$/, ',"=HYPERLINK(""http://evil.test"")",');
      const result = await writesNothing(() => upload('participants', `${PARTICIPANT_HEADER}\r\n${row}\r\n`), ['participant_import']);
      expect(result.data!.uploadParticipantCodes).toMatchObject({ status: 'INVALID', problems: [{ row: 2, column: 'Price Code' }] });
    });

    it('pasted text with more lines than allowed is BAD_USER_INPUT on "text"', async () => {
      const text = Array.from({ length: MAX_LINES + 1 }, (_, i) => `PASTE${i}CODE`).join('\n');
      expectRefused(
        await writesNothing(() => admin.client.request(IMPORT_TEXT, { input: { organizationId: organization.id, text } })),
        'BAD_USER_INPUT',
        'text',
      );
    });
  });

  describe('uploads by the wrong people', () => {
    it.each(['codes', 'seats', 'participants'] as Endpoint[])(
      '%s: without a token UNAUTHENTICATED, from another organisation FORBIDDEN',
      async (endpoint) => {
        const anonymous = { ...admin, client: t.client };
        expectRefused(await writesNothing(() => upload(endpoint, 'code\r\nABCD-EFGH-JK\r\n', anonymous)), 'UNAUTHENTICATED');
        expectRefused(await writesNothing(() => upload(endpoint, 'code\r\nABCD-EFGH-JK\r\n', stranger)), 'FORBIDDEN');
      },
    );
  });

  describe('GraphQL documents', () => {
    it('nesting deeper than the limit is refused before it runs', async () => {
      let selection = 'id';
      for (let i = 0; i < 6; i++) selection = `sends { edges { node { code { ${selection} } } } }`;
      const result = await admin.client.request(`query($org: UUID!) { codes(organizationId: $org) { edges { node { ${selection} } } } }`, {
        org: organization.id,
      });
      expect(result.status).toBeLessThan(500);
      expect(new Set(result.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(result.errors!.map((error) => error.extensions?.reason)).toEqual(['QUERY_TOO_DEEP']);
      expect(result.errors!.map((error) => error.message).join(' ')).toMatch(/depth/i);
    });

    it('an alias flood is refused', async () => {
      const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: codes(organizationId: $org) { totalCount }`).join(' ');
      const result = await admin.client.request(`query($org: UUID!) { ${aliases} }`, { org: organization.id });
      expect(result.status).toBeLessThan(500);
      expect(new Set(result.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(result.errors!.map((error) => error.extensions?.reason)).toEqual(['TOO_MANY_ALIASES']);
      expect(result.errors!.map((error) => error.message).join(' ')).toMatch(/alias/i);
    });

    it.each([
      ['a field that does not exist', 'subscription { x }', 'Cannot query field "x" on type "Subscription".'],
      ['__typename', 'subscription { __typename }', 'Anonymous Subscription must not select an introspection top level field.'],
      ['a named operation among queries', 'query Q { __typename } subscription S { x }', 'Cannot query field "x" on type "Subscription".'],
      [
        'a field that exists',
        'subscription { codeBatchProgress(id: "01890a5d-ac96-774b-bcce-b302099a8057") { id } }',
        'Subscriptions run over WebSocket (the graphql-ws protocol) at /graphql, not over HTTP.',
      ],
    ])(
      'a subscription operation over HTTP (anonymous, selecting %s) is BAD_USER_INPUT, with no error logged',
      async (_label, query, message) => {
        const errorLogs = jest.spyOn(Logger.prototype, 'error');
        try {
          const body = JSON.stringify(query.startsWith('query') ? { query, operationName: 'S' } : { query });
          const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const result = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
          expect(response.status).toBeLessThan(500);
          expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
          expect(result.errors![0].message).toBe(message);
          expect(errorLogs).not.toHaveBeenCalled();
        } finally {
          errorLogs.mockRestore();
        }
      },
    );

    it('a document of 100,000 tokens is BAD_USER_INPUT, TOO_MANY_TOKENS', async () => {
      const result = await admin.client.request(`query { ${'__typename '.repeat(100_000)} }`);
      expectRefused(result, 'BAD_USER_INPUT');
      expect(result.errors![0].extensions!.reason).toBe('TOO_MANY_TOKENS');
    });

    it('a request body over 10 MB is a 413, not a 500', async () => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ query: `query { ${'__typename '.repeat(1_200_000)} }` }),
      });
      expect(response.status).toBe(413);
    });

    it.each([
      [
        'a contract name of 1 MB',
        `mutation($s: String!, $org: UUID!) { createContract(input: { organizationId: $org, name: $s }) { contract { id } } }`,
        'name',
      ],
      [
        'an invitation message of 1 MB',
        `mutation($s: String!, $org: UUID!) { inviteByEmail(input: { organizationId: $org, emails: ["x@example.test"], message: $s }) { seatsRemaining } }`,
        'message',
      ],
    ])('%s is BAD_USER_INPUT, and its message does not echo it', async (_label, query, field) => {
      const huge = 'x'.repeat(1_048_576);
      const result = await writesNothing(() => admin.client.request(query, { s: huge, org: organization.id }));
      expectRefused(result, 'BAD_USER_INPUT', field);
      expect(JSON.stringify(result).length).toBeLessThan(10_000);
    });

    describe('100 kB in a free-text field is BAD_USER_INPUT on that field', () => {
      const long = 'y'.repeat(100_000);
      const cases: [string, string, () => Record<string, unknown>][] = [
        [
          'adminComment',
          `mutation($i: UpdateCodeInput!) { updateCode(input: $i) { __typename } }`,
          () => ({ i: { codeId: codeIds[1], adminComment: long } }),
        ],
        ['prefix', GENERATE, () => ({ input: { organizationId: organization.id, priceId, quantity: 1, width: 10, prefix: long } })],
        ['codeType', GENERATE, () => ({ input: { organizationId: organization.id, priceId, quantity: 1, width: 10, codeType: long } })],
        [
          'externalReference',
          `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { created } }`,
          () => ({
            i: { organizationId: organization.id, priceId, quantity: 1, externalReference: long, placedAt: '2026-01-01T00:00:00Z' },
          }),
        ],
        ['firstName', CREATE_PARTICIPANT, () => ({ i: { contractId, firstName: long, lastName: 'B' } })],
        ['phone', CREATE_PARTICIPANT, () => ({ i: { contractId, firstName: 'A', lastName: 'B', phone: long } })],
        ['email', CREATE_PARTICIPANT, () => ({ i: { contractId, firstName: 'A', lastName: 'B', email: long } })],
        ['description', CREATE_PRODUCT, () => ({ i: { ownerOrganizationId: organization.id, name: 'P', description: long } })],
        [
          'milestones.0.key',
          CREATE_PRODUCT,
          () => ({ i: { ownerOrganizationId: organization.id, name: 'P', milestones: [{ key: long, label: 'L' }] } }),
        ],
        [
          'subject',
          `mutation($i: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $i) { __typename } }`,
          () => ({ i: { organizationId: organization.id, kind: 'CODE_SENT', subject: long, text: 'x', html: 'x' } }),
        ],
        [
          'name',
          `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename } }`,
          () => ({ i: { organizationId: organization.id, name: long } }),
        ],
        ['code', `mutation($c: String!) { redeemCode(input: { code: $c }) { grant { id } } }`, () => ({ c: long })],
        ['search', CODES_MATCHING, () => ({ org: organization.id, search: long })],
      ];
      it.each(cases)('%s', async (field, query, variables) => {
        expectRefused(await writesNothing(() => admin.client.request(query, variables())), 'BAD_USER_INPUT', field);
      });
    });

    it.each(['%', '_', '\\', '%_\\', '[(*+?', '😀'])('a search for %p matches it literally, not as a pattern', async (search) => {
      const all = await admin.client.ok(CODES_MATCHING, { org: organization.id, search: '' });
      expect(all.codes.totalCount).toBeGreaterThan(0);
      expect((await admin.client.ok(CODES_MATCHING, { org: organization.id, search })).codes.totalCount).toBe(0);
    });

    describe('a date out of range or not a date is BAD_USER_INPUT on that field, with one message', () => {
      const dates = [
        '+275760-09-13T00:00:00.001Z',
        '99999-01-01',
        '0000-01-01',
        'yesterday',
        '2026-01-01T25:00:00Z',
        '2030-02-30',
        '2030-02-29T12:00:00Z',
        '2030-04-31',
        '2030-13-01',
      ];
      const fields: [string, string, (d: string) => Record<string, unknown>][] = [
        ['expiresAt', GENERATE, (d) => ({ input: { organizationId: organization.id, priceId, quantity: 1, width: 10, expiresAt: d } })],
        [
          'placedAt',
          `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { created } }`,
          (d) => ({ i: { organizationId: organization.id, priceId, quantity: 1, externalReference: `when-${d}`, placedAt: d } }),
        ],
        [
          'expiresAt',
          `mutation($i: UpdateCodeInput!) { updateCode(input: $i) { __typename } }`,
          (d) => ({ i: { codeId: codeIds[1], expiresAt: d } }),
        ],
        [
          'startsAt',
          `mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id } } }`,
          (d) => ({ i: { organizationId: organization.id, name: 'Dated', startsAt: d } }),
        ],
        [
          'createdAfter',
          `query($org: UUID!, $d: DateTime) { codes(organizationId: $org, filter: { createdAfter: $d }) { totalCount } }`,
          (d) => ({ org: organization.id, d }),
        ],
        ['dateOfBirth', CREATE_PARTICIPANT, (d) => ({ i: { contractId, firstName: 'A', lastName: 'B', dateOfBirth: d } })],
      ];
      it.each(fields.flatMap(([field, query, variables]) => dates.map((date) => [field, date, query, variables] as const)))(
        '%s: %s',
        async (field, date, query, variables) => {
          const result = await writesNothing(() => admin.client.request(query, variables(date)));
          expectRefused(result, 'BAD_USER_INPUT', field);
          const fields = result.errors![0].extensions!.fields as { field: string }[];
          expect(fields.filter((problem) => problem.field === field)).toHaveLength(1);
        },
      );
    });

    it('a date as a number of milliseconds is BAD_USER_INPUT; a real 29 February is read', async () => {
      const order = `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { created } }`;
      const input = { organizationId: organization.id, priceId, quantity: 1, externalReference: 'epoch', placedAt: 1_700_000_000_000 };
      expectRefused(await writesNothing(() => admin.client.request(order, { i: input })), 'BAD_USER_INPUT', 'placedAt');
      const leap = `query($org: UUID!) { codes(organizationId: $org, filter: { createdBefore: "2028-02-29T00:00:00Z" }) { totalCount } }`;
      expect((await admin.client.ok(leap, { org: organization.id })).codes.totalCount).toBeGreaterThan(0);
    });

    it('a pasted megabyte on one line is one malformed line, shown shortened', async () => {
      const result = await writesNothing(() =>
        admin.client.request(`mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported malformed { line value } } }`, {
          input: { organizationId: organization.id, text: 'x'.repeat(1_048_576) },
        }),
      );
      expect(result.data!.importCodes).toEqual({ imported: 0, malformed: [{ line: 1, value: `${'x'.repeat(100)}…` }] });
    });

    // JSON may carry half a surrogate pair, which PostgreSQL's jsonb columns refuse, and a NUL,
    // which no text column takes; graphql-js builds inline input objects without a prototype.
    it.each([
      [
        'a milestone label',
        `mutation($s: String!, $org: UUID!) { createProduct(input: { ownerOrganizationId: $org, name: "P", milestones: [{ key: "done", label: $s }] }) { product { id } } }`,
        'input.milestones.0.label',
      ],
      [
        'a send message',
        `mutation($s: String!, $code: UUID!, $email: String!) { sendCode(input: { codeId: $code, email: $email, message: $s }) { __typename } }`,
        'input.message',
      ],
      [
        'an invitation message',
        `mutation($s: String!, $org: UUID!, $price: UUID!) { inviteByEmail(input: { organizationId: $org, priceId: $price, emails: ["half@example.test"], message: $s }) { seatsRemaining } }`,
        'input.message',
      ],
    ])('half an emoji or a NUL in %s, inside an inline input object, is BAD_USER_INPUT', async (_label, query, field) => {
      for (const s of ['hi \ud83d', 'hi \u0000']) {
        const result = await writesNothing(() =>
          admin.client.request(query, { s, org: organization.id, code: codeIds[0], email: admin.user.email, price: priceId }),
        );
        expectRefused(result, 'BAD_USER_INPUT', field);
      }
    });

    it.each([
      ['random base64', Buffer.from('hello, not a cursor').toString('base64')],
      ['not base64 at all', '%%%%'],
      ['SQL in an otherwise valid cursor', encodeCursor(`${randomUUID()}' OR 1=1 --`)],
      ['a 100 kB cursor', 'A'.repeat(100_000)],
    ])('a forged cursor (%s) is BAD_USER_INPUT on "after"', async (_label, after) => {
      expectRefused(await admin.client.request(CODES, { org: organization.id, first: 5, after }), 'BAD_USER_INPUT', 'after');
    });

    it('a well-formed cursor of another organisation’s code reveals nothing of it', async () => {
      const [foreign] = await new Fixtures(t).codes((await new Fixtures(t).organization()).organization, { quantity: 1 });
      const result = await admin.client.request(CODES, { org: organization.id, first: 100, after: encodeCursor(foreign.id) });
      if (result.errors) expectRefused(result, 'BAD_USER_INPUT', 'after');
      else expect(result.data!.codes.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(foreign.id);
    });

    it.each([0, -1, 101, 2 ** 31 - 1])('first: %d is BAD_USER_INPUT on "first"', async (first) => {
      expectRefused(await admin.client.request(CODES, { org: organization.id, first }), 'BAD_USER_INPUT', 'first');
    });

    it.each([
      ['negative', -5],
      ['zero', 0],
      ['past the largest generation', 2 ** 31 - 1],
    ])('generateCodes with a %s quantity is BAD_USER_INPUT on "quantity"', async (_label, quantity) => {
      const result = await writesNothing(() =>
        admin.client.request(GENERATE, { input: { organizationId: organization.id, priceId, quantity, width: 10 } }),
      );
      expectRefused(result, 'BAD_USER_INPUT', 'quantity');
    });

    it.each([2 ** 31, 1e15, 1.5, 'ten'])('generateCodes with quantity %p (not an Int) is BAD_USER_INPUT', async (quantity) => {
      const result = await writesNothing(() =>
        admin.client.request(GENERATE, { input: { organizationId: organization.id, priceId, quantity, width: 10 } }),
      );
      expectRefused(result, 'BAD_USER_INPUT');
    });

    it.each([5, 21, -1])('generateCodes with width %d is BAD_USER_INPUT on "width"', async (width) => {
      const result = await writesNothing(() =>
        admin.client.request(GENERATE, { input: { organizationId: organization.id, priceId, quantity: 3, width } }),
      );
      expectRefused(result, 'BAD_USER_INPUT', 'width');
    });

    it.each([5, 21])('uploadParticipantCodes with width %d is BAD_USER_INPUT on "width"', async (width) => {
      const result = await writesNothing(() =>
        admin.client.upload(
          UPLOAD_PARTICIPANTS,
          { input: { contractId, width, file: null } },
          { 'input.file': { content: `${PARTICIPANT_HEADER}\r\n${participantRow}\r\n`, filename: 'p.csv' } },
        ),
      );
      expectRefused(result, 'BAD_USER_INPUT', 'width');
    });

    it.each([
      ['negative', -1],
      ['zero', 0],
      ['over 10,000', 10_001],
      ['enormous', 2 ** 31 - 1],
    ])('recordOrder with a %s quantity is BAD_USER_INPUT on "quantity"', async (_label, quantity) => {
      const result = await writesNothing(() =>
        admin.client.request(`mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created } }`, {
          input: {
            organizationId: organization.id,
            priceId,
            quantity,
            externalReference: `bad-${quantity}`,
            placedAt: new Date().toISOString(),
          },
        }),
      );
      expectRefused(result, 'BAD_USER_INPUT', 'quantity');
    });

    it.each([
      ['codeBatch', `query($id: UUID!) { codeBatch(id: $id) { id } }`],
      ['code', `query($id: UUID!) { code(id: $id) { id } }`],
      ['peopleImport', `query($id: UUID!) { peopleImport(id: $id) { id } }`],
      ['participantImport', `query($id: UUID!) { participantImport(id: $id) { id } }`],
      ['completePeopleImport', `mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { id } }`],
      ['completeParticipantImport', `mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { id } }`],
    ])('%s of an unknown id is NOT_FOUND', async (_label, query) => {
      expectRefused(await writesNothing(() => admin.client.request(query, { id: randomUUID() })), 'NOT_FOUND');
    });

    it.each(['not-a-uuid', '', "' OR 1=1 --", '00000000-0000-0000-0000-00000000000g'])('an id of %p is BAD_USER_INPUT', async (id) => {
      expectRefused(await admin.client.request(`query($id: UUID!) { codeBatch(id: $id) { id } }`, { id }), 'BAD_USER_INPUT');
    });

    it('an unknown organisation is refused (FORBIDDEN or NOT_FOUND), an upload to it too', async () => {
      const result = await admin.client.request(CODES, { org: randomUUID(), first: 5 });
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(result.errors?.[0].extensions?.code);
      const uploaded = await writesNothing(() =>
        admin.client.upload(
          UPLOAD_SEATS,
          { input: { organizationId: organization.id, priceId: randomUUID(), file: null } },
          { 'input.file': { content: 'First name,Last name,E-mail\r\nA,B,a@example.test\r\n', filename: 'a.csv' } },
        ),
      );
      expectRefused(uploaded, 'NOT_FOUND');
    });

    it('odd e-mail addresses to inviteByEmail are BAD_USER_INPUT, nothing is held', async () => {
      for (const email of [
        'two@@example.test',
        'pat <pat@example.test>',
        'a@example.test\r\nBcc: b@example.test',
        `${'a'.repeat(400)}@example.test`,
      ]) {
        const result = await writesNothing(() =>
          admin.client.request(`mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { seatsRemaining } }`, {
            input: { organizationId: organization.id, priceId, emails: [email] },
          }),
        );
        expectRefused(result, 'BAD_USER_INPUT', 'emails');
      }
    });

    it('a forged bearer token is UNAUTHENTICATED', async () => {
      const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: admin.user.id })).toString('base64url')}.`;
      expectRefused(await t.client.as(forged).request(CODES, { org: organization.id, first: 5 }), 'UNAUTHENTICATED');
    });

    it('repeated wrong passwords end in RATE_LIMITED with retryAfterSeconds', async () => {
      const login = `mutation($email: String!) { login(input: { email: $email, password: "wrong password" }) { accessToken } }`;
      let last: GraphQLResponse | undefined;
      for (let attempt = 0; attempt < 30 && last?.errors?.[0].extensions?.code !== 'RATE_LIMITED'; attempt++) {
        last = await t.client.request(login, { email: admin.user.email });
        expect(last.status).toBeLessThan(500);
      }
      expect(last!.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    });
  });

  /**
   * Issue 16, finding 13: values that pass for a name, an address or a date but are not one. A
   * name of spaces (or zero-width characters) shows as nothing in every list and mail; an address
   * with a right-to-left override or a zero-width space shows as another address (a spoof of a
   * colleague in the members list, a mail that goes somewhere else than it reads); a birth date in
   * the future and an inverted date range are typing mistakes that would be stored or silently
   * match nothing. Each is refused on its field, and nothing is written.
   */
  describe('blank names, spoofing addresses, future births and inverted ranges are BAD_USER_INPUT on their field', () => {
    /** Tables these mutations would write to, beyond the corpus's. */
    const MORE_TABLES = ['contract', 'product', 'price', 'user_account', 'membership', 'api_key', 'code_send'];
    let platformAdmin: Person;

    const moreCounts = async (): Promise<Record<string, number>> => {
      const [counts] = await t.dataSource.query(
        `SELECT ${MORE_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
      );
      return counts as Record<string, number>;
    };

    beforeAll(async () => {
      platformAdmin = await new Fixtures(t).platformAdmin();
    });

    /** Blanks people paste or type: spaces, a tab, wide spaces, zero-width and filler characters. */
    const BLANKS: [string, string][] = [
      ['spaces', '   '],
      ['a tab and a line break', '\t\n'],
      ['an ideographic space', '\u3000'],
      ['zero-width spaces', '\u200B\u200B'],
      ['a Hangul filler', '\u3164'],
      ['combining grapheme joiners (U+034F, no letter)', '\u034F\u034F\u034F'],
      ['a variation selector (U+FE0F, no letter)', '\uFE0F'],
    ];
    /** Addresses that read as ada@example.test, or as another address, but are not it. */
    const SPOOFED: [string, string][] = [
      ['a right-to-left override (U+202E)', 'ada\u202Etset.elpmaxe@example.test'],
      ['a zero-width space (U+200B)', 'ada\u200B@example.test'],
      ['a first-strong isolate (U+2068)', 'ada@exa\u2068mple.test'],
      ['a soft hyphen (U+00AD)', 'a\u00ADda@example.test'],
      ['a zero-width joiner (U+200D)', 'ada\u200D@example.test'],
      ['a combining grapheme joiner (U+034F)', 'ad\u034Fa@rt.test'],
      ['a variation selector (U+FE0F)', 'ada\uFE0F@rt.test'],
      ['a combining grapheme joiner in the domain (U+034F)', 'ada@rt\u034F.test'],
    ];

    type Who = 'admin' | 'platform admin' | 'anonymous';
    const name = (value: string): [string, Who, string, string, () => Record<string, unknown>][] => [
      [
        'createContract',
        'admin',
        'name',
        `mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id } } }`,
        () => ({ i: { organizationId: organization.id, name: value, invitationPrefix: 'BL' } }),
      ],
      [
        'updateContract',
        'admin',
        'name',
        `mutation($i: UpdateContractInput!) { updateContract(input: $i) { contract { id } } }`,
        () => ({ i: { contractId, name: value } }),
      ],
      ['createProduct', 'admin', 'name', CREATE_PRODUCT, () => ({ i: { ownerOrganizationId: organization.id, name: value } })],
      [
        'createProduct (a milestone label)',
        'admin',
        'milestones.0.label',
        CREATE_PRODUCT,
        () => ({ i: { ownerOrganizationId: organization.id, name: 'Course', milestones: [{ key: 'done', label: value }] } }),
      ],
      [
        'updateProduct',
        'admin',
        'name',
        `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { id } } }`,
        () => ({ i: { productId, name: value } }),
      ],
      [
        'createPrice',
        'admin',
        'name',
        `mutation($i: CreatePriceInput!) { createPrice(input: $i) { price { id } } }`,
        () => ({ i: { productId, priceCode: 'BLANK', name: value, accessDays: 30 } }),
      ],
      [
        'updatePrice',
        'admin',
        'name',
        `mutation($i: UpdatePriceInput!) { updatePrice(input: $i) { price { id } } }`,
        () => ({ i: { priceId, name: value } }),
      ],
      [
        'createParticipant (first name)',
        'admin',
        'firstName',
        CREATE_PARTICIPANT,
        () => ({ i: { contractId, firstName: value, lastName: 'B' } }),
      ],
      [
        'createParticipant (last name)',
        'admin',
        'lastName',
        CREATE_PARTICIPANT,
        () => ({ i: { contractId, firstName: 'A', lastName: value } }),
      ],
      [
        'updateParticipant',
        'admin',
        'lastName',
        `mutation($i: UpdateParticipantInput!) { updateParticipant(input: $i) { participant { id } } }`,
        () => ({ i: { participantId, lastName: value } }),
      ],
      [
        'addMember',
        'admin',
        'firstName',
        `mutation($i: AddMemberInput!) { addMember(input: $i) { membership { id } } }`,
        () => ({ i: { organizationId: organization.id, email: 'blank-name@example.test', firstName: value, lastName: 'B' } }),
      ],
      [
        'assignSeats',
        'admin',
        'people.0.lastName',
        `mutation($i: AssignSeatsInput!) { assignSeats(input: $i) { assignments { email } } }`,
        () => ({
          i: { organizationId: organization.id, priceId, people: [{ email: 'blank-seat@example.test', firstName: 'A', lastName: value }] },
        }),
      ],
      [
        'createApiKey',
        'admin',
        'name',
        `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`,
        () => ({ i: { organizationId: organization.id, name: value } }),
      ],
      [
        'createOrganization',
        'platform admin',
        'name',
        `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }`,
        () => ({ i: { name: value } }),
      ],
      [
        'registerWithCode',
        'anonymous',
        'firstName',
        `mutation($i: RegisterWithCodeInput!) { registerWithCode(input: $i) { user { id } } }`,
        () => ({
          i: {
            code: 'ABCD-EFGH-JK',
            email: 'blank-register@example.test',
            firstName: value,
            lastName: 'B',
            password: 'a long enough password',
          },
        }),
      ],
      [
        'acceptInvitation',
        'anonymous',
        'firstName',
        `mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { user { id } } }`,
        () => ({ i: { token: 'x'.repeat(43), firstName: value, lastName: 'B', password: 'a long enough password' } }),
      ],
    ];

    const email = (value: string): [string, Who, string, string, () => Record<string, unknown>][] => [
      [
        'createParticipant',
        'admin',
        'email',
        CREATE_PARTICIPANT,
        () => ({ i: { contractId, firstName: 'A', lastName: 'B', email: value } }),
      ],
      [
        'updateParticipant',
        'admin',
        'email',
        `mutation($i: UpdateParticipantInput!) { updateParticipant(input: $i) { participant { id } } }`,
        () => ({ i: { participantId, email: value } }),
      ],
      [
        'addMember',
        'admin',
        'email',
        `mutation($i: AddMemberInput!) { addMember(input: $i) { membership { id } } }`,
        () => ({ i: { organizationId: organization.id, email: value, firstName: 'A', lastName: 'B' } }),
      ],
      [
        'assignSeats',
        'admin',
        'people.0.email',
        `mutation($i: AssignSeatsInput!) { assignSeats(input: $i) { assignments { email } } }`,
        () => ({ i: { organizationId: organization.id, priceId, people: [{ email: value, firstName: 'A', lastName: 'B' }] } }),
      ],
      [
        'inviteByEmail',
        'admin',
        'emails',
        `mutation($i: InviteByEmailInput!) { inviteByEmail(input: $i) { seatsRemaining } }`,
        () => ({ i: { organizationId: organization.id, priceId, emails: ['fine@example.test', value] } }),
      ],
      [
        'sendCode',
        'admin',
        'email',
        `mutation($i: SendCodeInput!) { sendCode(input: $i) { __typename } }`,
        () => ({ i: { codeId: codeIds[2], email: value } }),
      ],
      [
        'registerWithCode',
        'anonymous',
        'email',
        `mutation($i: RegisterWithCodeInput!) { registerWithCode(input: $i) { user { id } } }`,
        () => ({ i: { code: 'ABCD-EFGH-JK', email: value, firstName: 'A', lastName: 'B', password: 'a long enough password' } }),
      ],
      [
        'requestPasswordReset',
        'anonymous',
        'email',
        `mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }`,
        () => ({ i: { email: value } }),
      ],
    ];

    const clientOf = (who: Who) => (who === 'admin' ? admin.client : who === 'platform admin' ? platformAdmin.client : t.client);

    const refusedOnField = async (who: Who, field: string, query: string, variables: Record<string, unknown>) => {
      const before = await moreCounts();
      const result = await writesNothing(() => clientOf(who).request(query, variables));
      expectRefused(result, 'BAD_USER_INPUT', field);
      expect(await moreCounts()).toEqual(before);
      return result;
    };

    it.each(
      BLANKS.flatMap(([label, value]) =>
        name(value).map(([operation, who, field, query, variables]) => [operation, label, who, field, query, variables] as const),
      ),
    )('%s with a name of %s', async (_operation, _label, who, field, query, variables) => {
      await refusedOnField(who, field, query, variables());
    });

    it.each(
      SPOOFED.flatMap(([label, value]) =>
        email(value).map(([operation, who, field, query, variables]) => [operation, label, who, field, query, variables] as const),
      ),
    )('%s with an address holding %s', async (_operation, label, who, field, query, variables) => {
      const result = await refusedOnField(who, field, query, variables());
      const fields = result.errors![0].extensions!.fields as { field: string; message: string }[];
      expect(fields.find((f) => f.field === field)!.message).toMatch(/invisible or text-direction characters/);
      expect(fields.find((f) => f.field === field)!.message).toContain(`it holds ${/U\+[0-9A-F]{4}/.exec(label)![0]}`);
    });

    it.each(SPOOFED)('the seats and invitations uploads report an address holding %s as a problem of its row', async (_label, value) => {
      const file = `First name,Last name,E-mail\r\nAda,Okafor,${value}\r\nBen,Okafor,ben@example.test\r\n`;
      for (const query of [UPLOAD_SEATS, UPLOAD_INVITES]) {
        const result = await writesNothing(
          () =>
            admin.client.upload(
              query,
              { input: { organizationId: organization.id, priceId, file: null } },
              { 'input.file': { content: file, filename: 'people.csv' } },
            ),
          ['people_import'],
        );
        expect(result.errors).toBeUndefined();
        const report = result.data!.uploadSeatAssignments ?? result.data!.uploadInvitations;
        expect(report.status).toBe('INVALID');
        expect(report.problems).toEqual([
          { row: 2, column: 'E-mail', message: expect.stringMatching(/invisible or text-direction character \(U\+[0-9A-F]{4}\)/) },
        ]);
      }
    });

    it('the participants upload reports an address holding a right-to-left override as a problem of its row', async () => {
      const row = participantRow.replace('ada@example.test', 'ada\u202Etset.elpmaxe@example.test');
      const result = await writesNothing(() => upload('participants', `${PARTICIPANT_HEADER}\r\n${row}\r\n`), ['participant_import']);
      expect(result.data!.uploadParticipantCodes).toMatchObject({
        status: 'INVALID',
        problems: [{ row: 2, column: 'E-mail', message: expect.stringContaining('U+202E') }],
      });
    });

    it('a seats upload refuses a name of zero-width spaces for a new account', async () => {
      const file = `First name,Last name,E-mail\r\n\u200B\u200B,Okafor,blank-upload@example.test\r\n`;
      const result = await writesNothing(() => upload('seats', file), ['people_import']);
      expect(result.data!.uploadSeatAssignments).toMatchObject({ status: 'INVALID', problems: [{ row: 2, column: 'First name' }] });
    });

    /** Days from today (UTC) as YYYY-MM-DD. */
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

    it.each([
      ['the day after tomorrow', () => day(2)],
      ['next year', () => day(366)],
      ['the year 2999', () => '2999-01-01'],
      ['before 1900', () => '1899-12-31'],
    ])('a participant born %s is refused on dateOfBirth, on create and on update', async (_label, date) => {
      await refusedOnField('admin', 'dateOfBirth', CREATE_PARTICIPANT, {
        i: { contractId, firstName: 'A', lastName: 'B', dateOfBirth: date() },
      });
      await refusedOnField(
        'admin',
        'dateOfBirth',
        `mutation($i: UpdateParticipantInput!) { updateParticipant(input: $i) { participant { id } } }`,
        {
          i: { participantId, dateOfBirth: date() },
        },
      );
    });

    it('a participant born today or yesterday is taken', async () => {
      for (const dateOfBirth of [day(0), day(-1)]) {
        const { updateParticipant } = await admin.client.ok(
          `mutation($i: UpdateParticipantInput!) { updateParticipant(input: $i) { participant { dateOfBirth } } }`,
          { i: { participantId, dateOfBirth } },
        );
        expect(updateParticipant.participant.dateOfBirth).toBe(dateOfBirth);
      }
    });

    const RANGE = `query($org: UUID!, $after: DateTime, $before: DateTime) { codes(organizationId: $org, filter: { createdAfter: $after, createdBefore: $before }) { totalCount } }`;

    it.each([
      ['after', '2026-06-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['the same moment as', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ])('a codes filter whose createdAfter is %s its createdBefore is refused on createdBefore', async (_label, after, before) => {
      expectRefused(await admin.client.request(RANGE, { org: organization.id, after, before }), 'BAD_USER_INPUT', 'createdBefore');
    });

    it('the codes download refuses an inverted range the same way (400 on createdBefore)', async () => {
      const response = await fetch(
        `${t.url}/exports/codes.csv?organizationId=${organization.id}&createdAfter=2026-06-01T00:00:00Z&createdBefore=2026-01-01T00:00:00Z`,
        { headers: { authorization: `Bearer ${admin.token}` } },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [expect.objectContaining({ field: 'createdBefore' })],
      });
    });

    it('a range in the right order is read', async () => {
      const { codes } = await admin.client.ok(RANGE, {
        org: organization.id,
        after: '2000-01-01T00:00:00Z',
        before: '2999-01-01T00:00:00Z',
      });
      expect(codes.totalCount).toBeGreaterThan(0);
    });
  });
});
