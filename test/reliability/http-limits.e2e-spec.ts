import { Fixtures, GraphQLResponse, Person, TestApp } from '@tessera/testing';
import { connect } from 'node:net';
import { Organization } from '../../src/identity/entities/organization.entity';

/**
 * Issue 16, findings 7 and 8: requests that held a connection for ever, and a CSV cell that held
 * the CPU. Each test performs the attack as an anonymous or signed-in client would; the jest
 * timeout is the only clock.
 */
const IMPORT_FILE = `mutation($input: ImportCodesFileInput!) { importCodesFromFile(input: $input) { imported malformedCount } }`;
const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status } }`;
const UPLOAD_PARTICIPANTS = `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status } }`;

/** Tables an upload could write to. */
const TABLES = ['code', 'code_batch', 'people_import', 'participant_import'];

/** A multipart body as a client would send it, for whatever Content-Type header goes with it. */
const MULTIPART_BODY = [
  '--x',
  'Content-Disposition: form-data; name="operations"',
  '',
  JSON.stringify({
    query: IMPORT_FILE,
    variables: { input: { organizationId: '00000000-0000-4000-8000-000000000000', column: 'code', file: null } },
  }),
  '--x',
  'Content-Disposition: form-data; name="map"',
  '',
  '{"0":["variables.input.file"]}',
  '--x',
  'Content-Disposition: form-data; name="0"; filename="codes.csv"',
  'Content-Type: text/csv',
  '',
  'code\r\nABCD-EFGH-JK\r\n',
  '--x--',
  '',
].join('\r\n');

/** Opens a raw connection, writes `data`, and resolves with what came back once the server closes it. */
function closedByServer(url: string, data: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(data);
  });
}

describe('HTTP limits: no request holds a connection for ever', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    ({ organization, admin } = await new Fixtures(t).organization('Held Connections Ltd'));
  });
  afterAll(() => t?.close());

  // Before: graphql-upload's reader failed on the header without reading the body and held the
  // answer until the body had been read, which nothing did. 500 such requests were all open after 20 s.
  it('200 anonymous multipart requests without a usable boundary are all answered 400 BAD_USER_INPUT', async () => {
    const contentTypes = [
      'multipart/form-data',
      'multipart/form-data; charset=utf-8',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=""',
      // A boundary, then a parameter the multipart reader cannot parse: it fails before reading the body too.
      'multipart/form-data; boundary=x; junk',
    ];
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const response = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': contentTypes[i % contentTypes.length], 'apollo-require-preflight': 'true' },
          body: MULTIPART_BODY,
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        return `${response.status} ${body.errors?.map((error) => error.extensions?.code).join(',')}`;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 200 }, () => '400 BAD_USER_INPUT'));

    // And the upload path still serves a well-formed upload.
    const served = await admin.client.upload(
      IMPORT_FILE,
      { input: { organizationId: organization.id, column: 'code', file: null } },
      { 'input.file': { content: 'code\r\nNOT A CODE!\r\n', filename: 'codes.csv' } },
    );
    expect(served.errors).toBeUndefined();
    expect(served.data!.importCodesFromFile).toEqual({ imported: 0, malformedCount: 1 });
  });

  it('the server sets its connection limits from the configuration', () => {
    const server = t.app.getHttpServer() as import('node:http').Server;
    expect({
      headers: server.headersTimeout,
      request: server.requestTimeout,
      keepAlive: server.keepAliveTimeout,
      idle: server.timeout,
    }).toEqual({ headers: 20_000, request: 300_000, keepAlive: 5_000, idle: 120_000 });
  });
});

describe('HTTP limits: a client that goes silent is disconnected', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ env: { HTTP_IDLE_TIMEOUT_MS: '2000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => t?.close());

  const host = () => new URL(t.url).host;
  // Before: Node has no idle limit; complete headers with a body that never comes were held
  // until requestTimeout (300 s), a request the server never answered for ever.
  it.each<[string, () => string]>([
    ['half of its headers (slowloris)', () => `POST /graphql HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: appl`],
    [
      'its headers and none of the body they announce',
      () => `POST /graphql HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    ],
    [
      'an upload that stops half-way through its file',
      () =>
        `POST /graphql HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
        `Apollo-Require-Preflight: true\r\nContent-Length: ${MULTIPART_BODY.length + 1000}\r\n\r\n${MULTIPART_BODY.slice(0, -20)}`,
    ],
  ])('a client that sends %s and then nothing is disconnected', async (_label, request) => {
    await closedByServer(t.url, request());
    // The server is none the worse for it.
    const answer = await fetch(`${t.url}/health/live`);
    expect(answer.status).toBe(200);
  });

  it('a kept-alive connection left idle is closed by the server', async () => {
    const answer = await closedByServer(t.url, `GET /health/live HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/keep-alive: timeout=1/i);
  });
});

describe('CSV bounds: one cell or one line cannot hold the CPU', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let contractId: string;

  const rowCounts = async (): Promise<Record<string, number>> => {
    const [counts] = await t.dataSource.query(
      `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    );
    return counts as Record<string, number>;
  };

  const upload = (endpoint: string, content: string): Promise<GraphQLResponse> => {
    const file = { 'input.file': { content, filename: 'attack.csv' } };
    switch (endpoint) {
      case 'codes':
        return admin.client.upload(IMPORT_FILE, { input: { organizationId: organization.id, column: 'code', file: null } }, file);
      case 'seats':
        return admin.client.upload(UPLOAD_SEATS, { input: { organizationId: organization.id, priceId, file: null } }, file);
      default:
        return admin.client.upload(UPLOAD_PARTICIPANTS, { input: { contractId, width: 10, file: null } }, file);
    }
  };

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Long Cells Ltd'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization));
    const { createContract } = await admin.client.ok(
      `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`,
      { input: { organizationId: organization.id, name: 'Long cells contract', invitationPrefix: 'HK', priceIds: [priceId] } },
    );
    contractId = createContract.contract.id;
  });
  afterAll(() => t?.close());

  const header = 'code,First name,Last name,E-mail';
  const person = (i: number) => `CODE-${i}-XYZ,Ada,Okafor,ada${i}@example.test`;
  // 10 MB, 1.1 million line breaks inside one quoted cell (before: 51 s to refuse).
  const quotedLineBreaks = () =>
    `${header}\r\n${person(1)}\r\n${person(2)}\r\n"${Array.from({ length: 1_100_000 }, () => 'abcdefgh').join('\n')}",Ada,Okafor,a@example.test\r\n`;
  // A 10 MB line of 1,000 cells of 10,000 characters each: every cell within the cell bound.
  const wideLine = () => {
    const columns = Array.from({ length: 1000 }, (_, i) => (i === 0 ? 'code' : `extra ${i}`));
    return `${columns.join(',')}\r\n${Array.from({ length: 1000 }, () => 'w'.repeat(10_000)).join(',')}\r\n`;
  };
  // A 10 MB line that is one cell.
  const oneCellLine = () => `${header}\r\n${person(1)}\r\n${'Q'.repeat(10 * 1_048_576)},Ada,Okafor,a@example.test\r\n`;

  it.each<[string, string, () => string, RegExp]>(
    ['codes', 'seats', 'participants'].flatMap((endpoint) => [
      [
        'a 10 MB quoted cell with 1.1 million line breaks',
        endpoint,
        quotedLineBreaks,
        /^row 4, column "code", has a cell of more than 32,767 characters.*quotation mark left open/,
      ],
      ['a 10 MB line of 1,000 cells', endpoint, wideLine, /^row 2 is longer than 1,048,576 characters\.$/],
      ['a 10 MB line in one cell', endpoint, oneCellLine, /^row 3, column "code", has a cell of more than 32,767 characters/],
    ]),
  )('%s, sent to the %s upload, is refused with its row named, and nothing is written', async (_label, endpoint, make, message) => {
    const before = await rowCounts();
    const result = await upload(endpoint, make());
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].extensions!.fields).toEqual([{ field: 'file', message: expect.stringMatching(message) }]);
    expect(await rowCounts()).toEqual(before);
  });
});
