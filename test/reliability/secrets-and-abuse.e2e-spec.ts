import { hashToken } from '@tessera/common';
import { eventually, Fixtures, hasRedis, Person, SmtpSink, startOrganizationApp, TestApp, type ReceivedMail } from '@tessera/testing';
import { parseString } from 'fast-csv';
import Redis from 'ioredis';
import { Organization } from '../../src/identity/entities/organization.entity';

const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
const LOOK_UP_INVITATION = `query($token: String!) { invitation(token: $token) { status canAccept email } }`;
const ASSIGN = `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { assignments { email } } }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { accepted } }`;
const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { user { email } } }`;
const CREATE_API_KEY = `mutation($org: UUID!) { createApiKey(input: { organizationId: $org, name: "Shop" }) { secret apiKey { prefix } } }`;
const ORGANIZATION = `query($id: UUID!) { organization(id: $id) { name } }`;
const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const UPDATE_CODE = `mutation($input: UpdateCodeInput!) { updateCode(input: $input) { code { adminComment } } }`;
const LOCKOUTS = `{ redemptionLockouts { key attempts retryAfterSeconds person { email } clientAddress } }`;

/** The guessing budget's limits for wrong codes in 15 minutes (src/identity/guessing-budget.service.ts). */
const WRONG_CODES_PER_PERSON = 10;
const WRONG_CODES_PER_CLIENT = 50;

/** Cell starts a spreadsheet would run as a formula (tab and carriage return too). */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];

function linkToken(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https://app\\.example\\.test/${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${path} link in:\n${mail.text}`);
  return match[1];
}

/** A secret as it could sit in a row: as given, or its bytes as bytea hex or plain base64. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'base64url');
  return [secret, bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, '')];
}

async function parseCsv(text: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString(text.replace(/^\ufeff/, ''), { headers: true })
      .on('data', (row: Record<string, string>) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

/** Every value under the app's Redis prefix (none without Redis: the queues run in the process). */
async function redisValues({ redisUrl, prefix }: { redisUrl?: string; prefix: string }): Promise<string[]> {
  if (!redisUrl) return [];
  const redis = new Redis(redisUrl);
  try {
    const values: string[] = [];
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') values.push((await redis.get(key)) ?? '');
        if (type === 'hash') values.push(...Object.values(await redis.hgetall(key)));
        if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
        if (type === 'set') values.push(...(await redis.smembers(key)));
        if (type === 'zset') values.push(...(await redis.zrange(key, 0, -1)));
      }
    }
    return values;
  } finally {
    redis.disconnect();
  }
}

async function runInBatches<T>(count: number, batchSize: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += batchSize) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(batchSize, count - start) }, (_, j) => run(start + j)))));
  }
  return results;
}

describe('reliability: secrets at rest, guessing, CSV formulas, production HTTP', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  const mailTo = async (address: string, count = 1) => {
    await eventually(() => expect(smtp.mailsTo(address)).toHaveLength(count));
    return smtp.mailsTo(address)[count - 1];
  };

  beforeAll(async () => {
    ({ t, smtp, fixtures, organization, admin, priceId } = await startOrganizationApp({
      organizationName: 'Secrets Org',
      productName: 'Secure course',
      env: { APP_URL: 'https://app.example.test', TRUST_PROXY: 'true' },
    }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('keeps no usable invitation, set-password or API-key secret in a dump of every table (nor in Redis), and the secrets still work', async () => {
    await fixtures.codes(organization, { quantity: 2, priceId });
    await admin.client.ok(INVITE, { input: { organizationId: organization.id, priceId, emails: ['invited@example.test'] } });
    const invitationToken = linkToken(await mailTo('invited@example.test'), 'invitations/accept');
    await admin.client.ok(ASSIGN, {
      input: { organizationId: organization.id, priceId, people: [{ email: 'seated@example.test', firstName: 'Sam', lastName: 'Seated' }] },
    });
    const accountToken = linkToken(await mailTo('seated@example.test'), 'set-password');
    const forgetful = await fixtures.person({ email: 'forgetful@example.test' });
    await t.client.ok(REQUEST_RESET, { email: forgetful.user.email });
    const resetToken = linkToken(await mailTo('forgetful@example.test'), 'set-password');
    const { createApiKey } = await admin.client.ok(CREATE_API_KEY, { org: organization.id });
    const [, keyPrefix, keySecretPart] = /^tsk_([a-z0-9]{12})_(.+)$/.exec(createApiKey.secret)!;

    const tables: { name: string }[] = await t.dataSource.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    const dump: string[] = [];
    for (const { name } of tables) {
      const rows: { line: string }[] = await t.dataSource.query(`SELECT row_to_json(t)::text AS line FROM "${name}" t`);
      dump.push(...rows.map((row) => row.line));
    }
    // The queues' Redis too: jobs carry ids, not the mail they send.
    const queued = await redisValues(t.runtime.config.queue);
    if (hasRedis) expect(queued.length).toBeGreaterThan(0);
    dump.push(...queued);
    const text = dump.join('\n');
    const secrets = { invitationToken, accountToken, resetToken, apiKey: createApiKey.secret, keySecretPart };
    const leaks = Object.entries(secrets).flatMap(([what, secret]) =>
      encodingsOf(secret)
        .filter((encoded) => text.includes(encoded))
        .map((encoded) => `${what} as ${encoded}`),
    );
    expect(leaks).toEqual([]);
    // The dump did reach the rows that stand for each secret: their hashes, and the key's public prefix.
    for (const secret of [invitationToken, accountToken, resetToken, keySecretPart]) expect(text).toContain(hashToken(secret));
    expect(text).toContain(keyPrefix);
    expect(tables.length).toBeGreaterThan(10);

    expect((await t.client.ok(LOOK_UP_INVITATION, { token: invitationToken })).invitation).toMatchObject({
      canAccept: true,
      email: 'invited@example.test',
    });
    for (const [token, email] of [
      [accountToken, 'seated@example.test'],
      [resetToken, 'forgetful@example.test'],
    ]) {
      const { setPassword } = await t.client.ok(SET_PASSWORD, { input: { token, password: 'a long new password' } });
      expect(setPassword.user.email).toBe(email);
    }
    expect((await t.client.as(createApiKey.secret).ok(ORGANIZATION, { id: organization.id })).organization.name).toBe('Secrets Org');
  });

  it('stops 1,000 parallel wrong guesses at the limits, even for a right code, and shows the lock-outs to a platform admin', async () => {
    const [realCode] = await fixtures.codes(organization, { quantity: 1, priceId });
    const answerCodes = (results: { errors?: { extensions?: { code?: string } }[] }[]) =>
      results.map((result) => result.errors?.[0]?.extensions?.code ?? 'REDEEMED');
    const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

    // One person guessing from one address: 500 guesses, 50 at a time.
    const guesser = await fixtures.person({ email: 'guesser@example.test' });
    const alone = answerCodes(
      await runInBatches(500, 50, (i) => guesser.client.request(REDEEM, { code: `WRONG${i}GUESS` }, { 'x-forwarded-for': '10.9.0.1' })),
    );
    expect({ notFound: count(alone, 'NOT_FOUND'), rateLimited: count(alone, 'RATE_LIMITED') }).toEqual({
      notFound: WRONG_CODES_PER_PERSON,
      rateLimited: 500 - WRONG_CODES_PER_PERSON,
    });
    expect(alone.lastIndexOf('NOT_FOUND')).toBeLessThan(50); // none after the first batch
    // Counted before the look-up: a locked-out guesser cannot tell a right code from a wrong one.
    expect(answerCodes([await guesser.client.request(REDEEM, { code: realCode.code }, { 'x-forwarded-for': '10.9.0.1' })])).toEqual([
      'RATE_LIMITED',
    ]);

    // 25 people behind one address (a botnet's shared exit, say), 20 guesses each, taking turns.
    const crowd = await Promise.all(Array.from({ length: 25 }, () => fixtures.person()));
    const shared = answerCodes(
      await runInBatches(500, 50, (i) =>
        crowd[i % crowd.length].client.request(REDEEM, { code: `CROWD${i}GUESS` }, { 'x-forwarded-for': '10.9.0.2' }),
      ),
    );
    expect({ notFound: count(shared, 'NOT_FOUND'), rateLimited: count(shared, 'RATE_LIMITED') }).toEqual({
      notFound: WRONG_CODES_PER_CLIENT,
      rateLimited: 500 - WRONG_CODES_PER_CLIENT,
    });
    expect(shared.lastIndexOf('NOT_FOUND')).toBeLessThan(50);
    const { code } = await admin.client.ok(`query($id: UUID!) { code(id: $id) { status } }`, { id: realCode.id });
    expect(code.status).toBe('AVAILABLE');

    const root = await fixtures.platformAdmin();
    const { redemptionLockouts } = await root.client.ok(LOCKOUTS);
    const byKey = Object.fromEntries(redemptionLockouts.map((lockout: { key: string }) => [lockout.key, lockout]));
    // A refused guess is not counted (it taught nothing): the counts stop at the limits.
    expect(byKey[`guess:user:${guesser.user.id}`]).toMatchObject({
      attempts: WRONG_CODES_PER_PERSON,
      person: { email: 'guesser@example.test' },
      clientAddress: null,
      retryAfterSeconds: expect.any(Number),
    });
    expect(byKey['guess:client:10.9.0.2']).toMatchObject({ attempts: WRONG_CODES_PER_CLIENT, person: null, clientAddress: '10.9.0.2' });
    expect(byKey['guess:client:10.9.0.2'].retryAfterSeconds).toBeGreaterThan(800);
    // The address is locked out; the crowd's people are charged only the guesses that were answered.
    const crowdCounts = await t.dataSource.query(
      `SELECT coalesce(sum(attempts), 0)::int AS total FROM rate_limit_bucket WHERE key = ANY($1)`,
      [crowd.map((person) => `guess:user:${person.user.id}`)],
    );
    expect(crowdCounts[0].total).toBe(WRONG_CODES_PER_CLIENT);
    expect((await admin.client.fails(LOCKOUTS)).code).toBe('FORBIDDEN');
  }, 60_000);

  describe('CSV exports', () => {
    const download = async (path: string, as: Person) => {
      const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${as.token}` } });
      expect(response.status).toBe(200);
      return parseCsv(await response.text());
    };

    // The API trims names and comments, so a leading tab or CR only reaches a row some other way
    // (an older row, a direct fix in the database): such cells are written straight to the table.
    const WHITESPACE_STARTS = ['\t', '\r'];

    it('puts an apostrophe before admin comments that a spreadsheet would run as formulas', async () => {
      const { organization: other, admin: otherAdmin } = await fixtures.organization('Comment Org');
      const codes = await fixtures.codes(other, { quantity: FORMULA_STARTS.length + 1 });
      const comments = [...FORMULA_STARTS.map((start) => `${start}HYPERLINK("http://evil.test","x")`), 'plain a=b comment'];
      for (const [i, code] of codes.entries()) {
        if (WHITESPACE_STARTS.includes(comments[i][0])) {
          await t.dataSource.query(`UPDATE code SET admin_comment = $2 WHERE id = $1`, [code.id, comments[i]]);
        } else {
          await otherAdmin.client.ok(UPDATE_CODE, { input: { codeId: code.id, adminComment: comments[i] } });
        }
      }
      const rows = await download(`/exports/codes.csv?organizationId=${other.id}`, otherAdmin);
      const exported = Object.fromEntries(rows.map((row) => [row.code, row.admin_comment]));
      expect(codes.map((code) => exported[code.code])).toEqual([
        ...comments.slice(0, -1).map((comment) => `'${comment}`),
        'plain a=b comment',
      ]);
    });

    it('puts an apostrophe before names that a spreadsheet would run as formulas in the registrations export', async () => {
      const codes = await fixtures.codes(organization, { quantity: FORMULA_STARTS.length, priceId });
      const expected: Record<string, { first_name: string; last_name: string }> = {};
      for (const [i, start] of FORMULA_STARTS.entries()) {
        const [firstName, lastName] = [`${start}cmd|' /C calc'!A0`, `${start}SUM(1+1)*cmd`];
        const person = await fixtures.person({ firstName, lastName });
        if (WHITESPACE_STARTS.includes(start)) {
          await t.dataSource.query(`UPDATE user_account SET first_name = $2, last_name = $3 WHERE id = $1`, [
            person.user.id,
            firstName,
            lastName,
          ]);
        }
        await person.client.ok(REDEEM, { code: codes[i].code });
        expected[person.user.email] = { first_name: `'${firstName}`, last_name: `'${lastName}` };
      }
      const rows = await download(`/exports/registrations.csv?organizationId=${organization.id}`, admin);
      const exported = Object.fromEntries(
        rows.filter((row) => expected[row.email]).map((row) => [row.email, { first_name: row.first_name, last_name: row.last_name }]),
      );
      expect(exported).toEqual(expected);
    });
  });

  describe('HTTP', () => {
    const SECURITY_HEADERS = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    };
    const expectSecurityHeaders = (response: { headers: Headers }) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(`${name}: ${response.headers.get(name)}`).toBe(`${name}: ${value}`);
      expect(response.headers.get('x-powered-by')).toBeNull();
    };
    const INTROSPECT = '{ __schema { queryType { name } } }';
    const wantsPlayground = (url: string) => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });

    it('sends the security headers on API answers, errors, downloads and the playground, which still loads', async () => {
      expectSecurityHeaders(await t.client.request('{ __typename }'));
      expectSecurityHeaders(await fetch(`${t.url}/health/live`));
      expectSecurityHeaders(await fetch(`${t.url}/no/such/page`));
      expectSecurityHeaders(await fetch(`${t.url}/exports/codes.csv?organizationId=${organization.id}`));
      const page = await wantsPlayground(t.url);
      expect(page.status).toBe(200);
      expectSecurityHeaders(page);
      const html = await page.text();
      expect(html).toContain('/graphiql/playground.js');
      for (const [, asset] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
        const response = await fetch(`${t.url}${asset}`);
        expect(response.status).toBe(200);
        // With nosniff the browser runs a script only when it is served as one.
        expect(response.headers.get('content-type')).toMatch(asset.endsWith('.css') ? /^text\/css/ : /javascript/);
        expectSecurityHeaders(response);
      }
    });

    it('refuses GraphQL requests a browser could send cross-site without a preflight (CSRF)', async () => {
      const body = JSON.stringify({ query: '{ __typename }' });
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; a=b']) {
        const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });
        expect(`${contentType}: ${response.status}`).toBe(`${contentType}: 400`);
        const answer = await response.text();
        expect(answer).toContain('CSRF');
        expect((JSON.parse(answer) as { errors: { extensions: unknown }[] }).errors.map((error) => error.extensions)).toEqual([
          { code: 'BAD_USER_INPUT', reason: 'CSRF_REFUSED' },
        ]);
      }
      // With the header, a body that does not parse is the client's error too, not a 500.
      const brokenUpload = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'apollo-require-preflight': 'true' },
        body: 'not a multipart body',
      });
      expect(brokenUpload.status).toBe(400);
      const { errors } = (await brokenUpload.json()) as { errors: { extensions: { code: string } }[] };
      expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const simpleGet = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
      expect(simpleGet.status).toBe(400);
      const preflighted = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(preflighted.status).toBe(200);
      expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it('hides introspection and the playground in production unless they are turned on', async () => {
      const production = await TestApp.create({ env: { NODE_ENV: 'production' } });
      try {
        const introspection = await production.client.request(INTROSPECT);
        expect(introspection.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(introspection.data ?? null).toBeNull();
        const page = await wantsPlayground(production.url);
        expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
        expect(await page.text()).not.toContain('GraphiQL');
        expect((await fetch(`${production.url}/graphiql/graphiql.js`)).status).toBe(404);
        expectSecurityHeaders(await production.client.request('{ __typename }'));
        expectSecurityHeaders(page);
      } finally {
        await production.close();
      }

      const opened = await TestApp.create({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'true' } });
      try {
        expect((await opened.client.ok(INTROSPECT)).__schema.queryType.name).toBe('Query');
        expect(await (await wantsPlayground(opened.url)).text()).toContain('/graphiql/playground.js');
      } finally {
        await opened.close();
      }
    });

    /**
     * Issue 16, finding 12: with introspection off, "Did you mean …?" still read the schema out one
     * misspelling at a time (enum values above all: "Did you mean the enum value AVAILABLE?").
     * Each document below draws a suggestion from graphql-js; production answers none, for an
     * anonymous caller and a signed-in one, in the document and in variables.
     */
    it('answers misspelt enum values, fields, arguments and types in production without any suggestion', async () => {
      const ORG = '00000000-0000-4000-8000-000000000000';
      const misspelt: [string, string, Record<string, unknown>, RegExp][] = [
        [
          'an enum value inline',
          `query($org: UUID!) { codes(organizationId: $org, filter: { status: [AVAILABEL] }) { totalCount } }`,
          { org: ORG },
          /AVAILABLE\b/,
        ],
        [
          'an enum value in variables',
          `query($org: UUID!, $s: [CodeStatus!]) { codes(organizationId: $org, filter: { status: $s }) { totalCount } }`,
          { org: ORG, s: ['AVAILABEL'] },
          /AVAILABLE\b/,
        ],
        [
          'an enum value inside an input object in variables',
          `query($org: UUID!, $f: CodeFilter) { codes(organizationId: $org, filter: $f) { totalCount } }`,
          { org: ORG, f: { status: ['REDEMED'] } },
          /REDEEMED/,
        ],
        ['a field', `{ organizatons { totalCount } }`, {}, /organizations/],
        ['an argument', `query($org: UUID!) { codes(organizationId: $org, frist: 5) { totalCount } }`, { org: ORG }, /\bfirst\b/],
        [
          'an input field inline',
          `query($org: UUID!) { codes(organizationId: $org, filter: { statuss: [AVAILABLE] }) { totalCount } }`,
          { org: ORG },
          /\bstatus\b/,
        ],
        [
          'an input field in variables',
          `query($org: UUID!, $f: CodeFilter) { codes(organizationId: $org, filter: $f) { totalCount } }`,
          { org: ORG, f: { statuss: ['AVAILABLE'] } },
          /\bstatus\b/,
        ],
        ['a type', `query($f: CodeFiltr) { __typename }`, { f: null }, /CodeFilter\b/],
      ];

      // In development the same documents do draw suggestions: the attack would work there.
      for (const [label, query, variables, suggested] of misspelt) {
        const body = JSON.stringify((await t.client.request(query, variables)).errors);
        expect(`${label}: ${body}`).toMatch(/Did you mean/);
        expect(body).toMatch(suggested);
      }

      const production = await TestApp.create({ env: { NODE_ENV: 'production' } });
      try {
        const { admin: productionAdmin } = await new Fixtures(production).organization('Production Ltd');
        for (const client of [production.client, productionAdmin.client]) {
          for (const [label, query, variables, suggested] of misspelt) {
            const result = await client.request(query, variables);
            expect(result.status).toBeLessThan(500);
            expect(new Set(result.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
            const body = JSON.stringify(result.errors);
            expect(`${label}: ${body}`).not.toMatch(/Did you mean|[Ss]uggestion/);
            expect(`${label}: ${body}`).not.toMatch(suggested);
          }
        }
      } finally {
        await production.close();
      }
    });
  });
});
