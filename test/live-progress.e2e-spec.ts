import { describeWithRedis, Fixtures, Person, SmtpSink, subscriptionClient, TestApp, type ClosedConnection } from '@tessera/testing';
import type { Client, FormattedExecutionResult } from 'graphql-ws';
import { connect as connectTcp } from 'node:net';
import { Organization } from '../src/identity/entities/organization.entity';

const GENERATE = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id status } } }`;
const BATCH_PROGRESS = `subscription BatchProgress($id: UUID!) {
  codeBatchProgress(id: $id) { id status progress createdCount requestedQuantity }
}`;
const IMPORT_PROGRESS = `subscription ImportProgress($id: UUID!) { peopleImportProgress(id: $id) { id status progress } }`;
const UPLOAD_SEATS = `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status } }`;
const COMPLETE_IMPORT = `mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { id status } }`;
const CREATE_API_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
const CREATE_PLATFORM_KEY = `mutation($input: CreatePlatformApiKeyInput!) { createPlatformApiKey(input: $input) { secret } }`;

interface Step {
  status: string;
  progress: number;
  createdCount?: number;
}

/** Everything a subscription sends, to its end; a refused connection throws its close event. */
async function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
): Promise<FormattedExecutionResult<T, unknown>[]> {
  const results: FormattedExecutionResult<T, unknown>[] = [];
  for await (const result of client.iterate<T>({ query, variables })) results.push(result);
  return results;
}

/** What a refused connection ended with. */
async function refusal(run: Promise<unknown>): Promise<ClosedConnection> {
  const closed = (await run.then(
    () => undefined,
    (error: unknown) => error,
  )) as ClosedConnection | undefined;
  if (closed?.code === undefined) throw new Error(`The connection was not refused: ${JSON.stringify(closed)}`);
  return { code: closed.code, reason: closed.reason };
}

/** Each step after the first: its progress forward by at most 5, its count of codes never back. Empty when all are. */
function unsteadySteps(steps: Step[]): string[] {
  return steps.slice(1).flatMap((step, i) => {
    const before = steps[i];
    const moved = step.progress - before.progress;
    const fine = moved >= 0 && moved <= 5 && (step.createdCount ?? 0) >= (before.createdCount ?? 0);
    return fine ? [] : [`${JSON.stringify(before)} → ${JSON.stringify(step)}`];
  });
}

/**
 * Live progress over a real WebSocket (graphql-ws): an admin follows a background generation
 * from PENDING to COMPLETED. The API runs no workers; the test starts one once the subscriber has
 * the batch's first state, so every step is seen, and the worker's progress reaches the API's
 * subscriber through Redis as it would from another process.
 */
describeWithRedis('live progress: subscriptions over WebSocket', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let batchId: string;
  const clients: Client[] = [];
  const connect = (credential?: string) => {
    const client = subscriptionClient(t.url, credential);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { WORKERS: 'off', SMTP_URL: smtp.url } });
    ({ organization, admin } = await new Fixtures(t).organization('Live Academy'));
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await t?.close();
    await smtp?.close();
  });

  it('follows a 50,000-code generation in order up to COMPLETED, in steps of at most 5 %, with createdCount rising', async () => {
    const { generateCodes } = await admin.client.ok(GENERATE, { input: { organizationId: organization.id, quantity: 50_000, width: 12 } });
    expect(generateCodes.batch.status).toBe('PENDING');
    batchId = generateCodes.batch.id;

    const events = connect(admin.token).iterate<{ codeBatchProgress: Step }>({ query: BATCH_PROGRESS, variables: { id: batchId } });
    const first = await events.next();
    expect(first.value).toEqual({
      data: { codeBatchProgress: { id: batchId, status: 'PENDING', progress: 0, createdCount: 0, requestedQuantity: 50_000 } },
    });
    await t.startWorker();
    const steps: Step[] = [first.value!.data!.codeBatchProgress];
    for await (const result of events) {
      expect(result.errors).toBeUndefined();
      steps.push(result.data!.codeBatchProgress);
    }

    expect(steps.at(-1)).toMatchObject({ status: 'COMPLETED', progress: 100, createdCount: 50_000 });
    expect(unsteadySteps(steps)).toEqual([]);
    const running = steps.filter((step) => step.status === 'RUNNING');
    // 0 %, then one step per chunk of 2,500 codes.
    expect(running.length).toBeGreaterThanOrEqual(21);
    expect(new Set(running.map((step) => step.createdCount)).size).toBe(running.length);
    expect(steps.map((step) => step.status)).toEqual(['PENDING', ...running.map(() => 'RUNNING'), 'COMPLETED']);
  }, 120_000);

  it('ends at once with the final state for a batch that is done', async () => {
    expect(await collect(connect(admin.token), BATCH_PROGRESS, { id: batchId })).toEqual([
      { data: { codeBatchProgress: { id: batchId, status: 'COMPLETED', progress: 100, createdCount: 50_000, requestedQuantity: 50_000 } } },
    ]);
  });

  it('follows the batch for the organisation’s API key, as codeBatch does', async () => {
    const { createApiKey } = await admin.client.ok(CREATE_API_KEY, { input: { organizationId: organization.id, name: 'Storefront' } });
    const [only] = await collect<{ codeBatchProgress: Step }>(connect(createApiKey.secret), BATCH_PROGRESS, { id: batchId });
    expect(only.data?.codeBatchProgress).toMatchObject({ status: 'COMPLETED' });
  });

  it('shows the batch to nobody else: another organisation’s admin and API key, and a member who is not an admin, get FORBIDDEN and no batch, as from codeBatch', async () => {
    const fixtures = new Fixtures(t);
    const other = await fixtures.organization('Elsewhere');
    const member = (await fixtures.member(organization)).person;
    const { createApiKey } = await other.admin.client.ok(CREATE_API_KEY, {
      input: { organizationId: other.organization.id, name: 'Theirs' },
    });
    for (const credential of [other.admin.token, createApiKey.secret, member.token]) {
      const results = await collect(connect(credential), BATCH_PROGRESS, { id: batchId });
      // An error before the first event: no data at all, and the subscription ends.
      expect(results).toEqual([{ errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] }]);
      const query = await t.client.as(credential).fails(`query($id: UUID!) { codeBatch(id: $id) { id } }`, { id: batchId });
      expect(query.code).toBe('FORBIDDEN');
    }
  });

  it('refuses a platform API key, which no scope lets read a batch', async () => {
    const root = await new Fixtures(t).platformAdmin();
    const { createPlatformApiKey } = await root.client.ok(CREATE_PLATFORM_KEY, { input: { name: 'Storefront', scopes: ['CODES_READ'] } });
    const [only] = await collect(connect(createPlatformApiKey.secret), BATCH_PROGRESS, { id: batchId });
    expect(only.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(only.errors![0].message).toMatch(/names none/);
    expect(only.data).toBeUndefined();
  });

  it('answers NOT_FOUND for a batch that does not exist', async () => {
    const [only] = await collect(connect(admin.token), BATCH_PROGRESS, { id: '01890a5d-ac96-774b-bcce-b302099a8057' });
    expect(only.errors?.map((error) => error.extensions)).toEqual([
      { code: 'NOT_FOUND', entity: 'CodeBatch', id: '01890a5d-ac96-774b-bcce-b302099a8057' },
    ]);
  });

  it.each([
    ['no credentials', undefined, /^SIGN_IN_REQUIRED: Sign in first/],
    ['a token that is not one', 'not-a-token', /^TOKEN_INVALID: The token is not valid/],
    ['an API key that is not one', `tsk_abcdefgh_${'x'.repeat(43)}`, /^API_KEY_INVALID: The API key is not valid/],
  ])('refuses a connection with %s: closed 4401, with the reason HTTP gives', async (_label, credential, why) => {
    const closed = await refusal(collect(connect(credential), BATCH_PROGRESS, { id: batchId }));
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(why);
  });

  it.each([
    ['a query', '{ __typename }', /subscriptions only/],
    ['a mutation', 'mutation { requestPasswordReset(input: { email: "a@b.test" }) { __typename } }', /subscriptions only/],
    [
      'a subscription field that does not exist',
      'subscription { batchProgres(id: "x") { id } }',
      /Cannot query field "batchProgres" on type "Subscription"/,
    ],
    ['a document that does not parse', 'subscription {', /Syntax Error/],
  ])('refuses %s on the WebSocket as INVALID_QUERY', async (_label, query, message) => {
    const run = collect(connect(admin.token), query, {});
    await expect(run).rejects.toEqual([
      expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' } }),
    ]);
  });

  it('answers a WebSocket upgrade to another path with 404 and closes it, rather than leaving it open', async () => {
    const { port } = new URL(t.url);
    const socket = connectTcp(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.write(
      'GET /elsewhere HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('refuses a subscription sent over HTTP, pointing at the WebSocket', async () => {
    const result = await admin.client.request(BATCH_PROGRESS, { id: batchId });
    expect(result.errors?.map((error) => [error.extensions, error.message])).toEqual([
      [
        { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' },
        'Subscriptions run over WebSocket (the graphql-ws protocol) at /graphql, not over HTTP.',
      ],
    ]);
  });

  it('follows a people upload in the background from VALID to COMPLETED, in steps of at most 5 %', async () => {
    const fixtures = new Fixtures(t);
    const { price } = await fixtures.catalogue(organization, { productName: 'Live course' });
    const rows = 220; // more than are carried out within the request
    await fixtures.codes(organization, { quantity: rows, priceId: price.id });
    const people = Array.from({ length: rows }, (_, i) => `Live,${i},live${i}@people.test`).join('\r\n');
    const uploaded = await admin.client.upload<{ uploadSeatAssignments: { id: string; status: string } }>(
      UPLOAD_SEATS,
      { input: { organizationId: organization.id, priceId: price.id, file: null } },
      { 'input.file': { content: `First name,Last name,E-mail\r\n${people}\r\n`, filename: 'people.csv' } },
    );
    const importId = uploaded.data!.uploadSeatAssignments.id;

    const events = connect(admin.token).iterate<{ peopleImportProgress: Step }>({ query: IMPORT_PROGRESS, variables: { id: importId } });
    const first = await events.next();
    expect(first.value!.data!.peopleImportProgress).toEqual({ id: importId, status: 'VALID', progress: 0 });
    expect((await admin.client.ok(COMPLETE_IMPORT, { id: importId })).completePeopleImport.status).toBe('RUNNING');
    const steps: Step[] = [first.value!.data!.peopleImportProgress];
    for await (const result of events) steps.push(result.data!.peopleImportProgress);

    expect(steps.at(-1)).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(unsteadySteps(steps)).toEqual([]);
    expect(steps.filter((step) => step.status === 'RUNNING').length).toBeGreaterThanOrEqual(20);

    const other = await fixtures.organization('Not theirs');
    const [only] = await collect(connect(other.admin.token), IMPORT_PROGRESS, { id: importId });
    expect(only).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] });
  }, 60_000);
});

/** Zero-setup mode: no Redis, jobs run in this process, and progress goes through memory. */
describe('live progress without Redis (zero-setup mode)', () => {
  let t: TestApp;
  let client: Client;

  beforeAll(async () => {
    t = await TestApp.create({ env: { REDIS_URL: '' } });
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.close();
  });

  it('follows a background generation to COMPLETED', async () => {
    const { organization, admin } = await new Fixtures(t).organization('Inline Academy');
    const { generateCodes } = await admin.client.ok(GENERATE, { input: { organizationId: organization.id, quantity: 20_000, width: 12 } });
    client = subscriptionClient(t.url, admin.token);
    // The job runs at once in this process: the subscription joins it wherever it is by then.
    const results = await collect<{ codeBatchProgress: Step }>(client, BATCH_PROGRESS, { id: generateCodes.batch.id });
    const steps = results.map((result) => result.data!.codeBatchProgress);
    expect(steps.at(-1)).toMatchObject({ status: 'COMPLETED', progress: 100, createdCount: 20_000 });
    expect(unsteadySteps(steps)).toEqual([]);
  }, 60_000);
});
