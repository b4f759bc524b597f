import { ApiProcess, describeWithRedis, Fixtures, GraphQLClient, GraphQLResponse, Person, TestApp } from '@tessera/testing';
import { randomBytes } from 'node:crypto';
import { Organization } from '../../src/identity/entities/organization.entity';

const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id status } } }`;
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id codeId } } }`;
const COPY_LINK = `mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`;
const SEND = `mutation($input: SendCodeInput!) { sendCode(input: $input) { code { status } } }`;
const REVOKE = `mutation($input: RevokeAccessInput!) { revokeAccess(input: $input) { grant { status } } }`;
const IMPORT = `mutation($input: ImportCodesInput!) {
  importCodes(input: $input) { imported alreadyStoredCount duplicateCount alreadyStored { value } batch { id } }
}`;

/** A client address per request: the per-address limits are for one client guessing, not for a crowd. */
const address = (i: number) => ({ 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` });

/** Every answer of a race is data or a client error: a 500 or an INTERNAL error is a lost race. */
function expectNoServerErrors(results: GraphQLResponse[]): void {
  const broken = results.filter(
    (result) => result.status >= 500 || result.errors?.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR'),
  );
  expect(broken.map((result) => result.errors)).toEqual([]);
}

describeWithRedis('races across two API processes on one database', () => {
  let t: TestApp;
  let second: ApiProcess;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  /** The same person's client, on the test's app and on the second process. */
  const onProcess = (person: Person, i: number): GraphQLClient => (i % 2 === 0 ? person.client : second.client.as(person.token));

  beforeAll(async () => {
    t = await TestApp.create({ env: { APP_URL: 'https://races.example.test', TRUST_PROXY: 'true' } });
    second = await t.startApiProcess();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Race Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization));
  }, 60_000);
  afterAll(() => t?.close());

  const codeRow = async (codeId: string): Promise<{ status: string; activeGrants: number }> =>
    (
      await t.dataSource.query(
        `SELECT code.status, (SELECT count(*)::int FROM access_grant WHERE code_id = code.id AND status = 'ACTIVE') AS "activeGrants"
           FROM code WHERE id = $1`,
        [codeId],
      )
    )[0];

  it('gives one code to exactly one of 200 people redeeming it at once through both processes', async () => {
    const [code] = await new Fixtures(t).codes(organization, { quantity: 1, priceId });
    const people = await Promise.all(Array.from({ length: 200 }, () => new Fixtures(t).person()));
    const results = await Promise.all(people.map((person, i) => onProcess(person, i).request(REDEEM, { code: code.code }, address(i))));

    expectNoServerErrors(results);
    const winners = results.flatMap((result, i) => (result.errors ? [] : [i]));
    expect(winners).toHaveLength(1);
    const losers = results.filter((result) => result.errors);
    expect(losers).toHaveLength(199);
    for (const loser of losers) expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'REDEEMED' });
    // Both processes answered losers: the race really was between them.
    expect(new Set(results.map((result, i) => (result.errors ? i % 2 : -1)))).toEqual(new Set([-1, 0, 1]));
    expect(await codeRow(code.id)).toEqual({ status: 'REDEEMED', activeGrants: 1 });
    const [{ grants }] = await t.dataSource.query(`SELECT count(*)::int AS grants FROM access_grant WHERE code_id = $1`, [code.id]);
    expect(grants).toBe(1);
  }, 60_000);

  it('gives one seat to exactly one of 50 invited people accepting at once through both processes', async () => {
    await new Fixtures(t).codes(organization, { quantity: 1, priceId, prefix: 'SEAT' });
    const emails = Array.from({ length: 50 }, (_, i) => `seat${i}@races.test`);
    const { inviteByEmail } = await admin.client.ok(INVITE, { input: { organizationId: organization.id, priceId, emails: [emails[0]] } });
    const seat: string = inviteByEmail.invitations[0].codeId;
    await admin.client.ok(INVITE, { input: { organizationId: organization.id, codeId: seat, emails: emails.slice(1) } });
    const invitations: { id: string }[] = await t.dataSource.query(`SELECT id FROM invitation WHERE code_id = $1`, [seat]);
    expect(invitations).toHaveLength(50);
    // Fresh links (the mails are not read here): copying one replaces its token.
    const tokens: string[] = [];
    for (const { id } of invitations)
      tokens.push(new URL((await admin.client.ok(COPY_LINK, { id })).copyInvitationLink.url).searchParams.get('token')!);

    const results = await Promise.all(
      tokens.map((token, i) =>
        (i % 2 === 0 ? t.client : second.client).request(
          ACCEPT,
          { input: { token, firstName: 'Racer', lastName: `${i}`, password: 'long enough password' } },
          address(1000 + i),
        ),
      ),
    );

    expectNoServerErrors(results);
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    for (const loser of results.filter((result) => result.errors))
      expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALIDATED' });
    const statuses = await t.dataSource.query(
      `SELECT status, count(*)::int AS count FROM invitation WHERE code_id = $1 GROUP BY status ORDER BY status`,
      [seat],
    );
    expect(statuses).toEqual([
      { status: 'ACCEPTED', count: 1 },
      { status: 'INVALIDATED', count: 49 },
    ]);
    expect(await codeRow(seat)).toEqual({ status: 'REDEEMED', activeGrants: 1 });
    // The losers did not get an account either: the transaction that made it was rolled back.
    const [{ accounts }] = await t.dataSource.query(
      `SELECT count(*)::int AS accounts FROM user_account WHERE email LIKE 'seat%@races.test'`,
    );
    expect(accounts).toBe(1);
  }, 60_000);

  it('keeps a code and its grants consistent while sends, revocations and redemptions of it interleave', async () => {
    const [code] = await new Fixtures(t).codes(organization, { quantity: 1, priceId, prefix: 'MIX' });
    const rounds = 25;
    const recipients = await Promise.all(Array.from({ length: rounds }, async () => (await new Fixtures(t).member(organization)).person));
    const redeemers = await Promise.all(Array.from({ length: rounds * 2 }, () => new Fixtures(t).person()));
    const outcomes = { redeemed: 0, revoked: 0, sent: 0 };

    for (let round = 0; round < rounds; round++) {
      const [active] = await t.dataSource.query(`SELECT id FROM access_grant WHERE code_id = $1 AND status = 'ACTIVE'`, [code.id]);
      const racers: Promise<GraphQLResponse>[] = [
        onProcess(admin, round).request(SEND, { input: { codeId: code.id, userId: recipients[round].user.id } }),
        onProcess(redeemers[2 * round], round + 1).request(REDEEM, { code: code.code }, address(2000 + 2 * round)),
        onProcess(redeemers[2 * round + 1], round).request(REDEEM, { code: code.code }, address(2001 + 2 * round)),
      ];
      if (active) racers.push(onProcess(admin, round + 1).request(REVOKE, { input: { grantId: active.id, reason: 'race' } }));
      const results = await Promise.all(racers);

      expectNoServerErrors(results);
      for (const failed of results.filter((result) => result.errors)) expect(failed.errors![0].extensions!.code).toBe('CONFLICT');
      const [send, ...redemptions] = results;
      outcomes.sent += send.errors ? 0 : 1;
      // The revocation frees the previous grant's code, so the two redeemers still share one chance.
      const redeemedNow = redemptions.slice(0, 2).filter((result) => !result.errors).length;
      expect(redeemedNow).toBeLessThanOrEqual(1);
      outcomes.redeemed += redeemedNow;
      outcomes.revoked += active && !results[3].errors ? 1 : 0;
      // At most one active grant, and the code is REDEEMED exactly when one is in force.
      const state = await codeRow(code.id);
      expect(state.activeGrants).toBeLessThanOrEqual(1);
      expect(state).toEqual(state.activeGrants === 1 ? { status: 'REDEEMED', activeGrants: 1 } : { status: 'AVAILABLE', activeGrants: 0 });
    }
    // Every grant came from one successful redemption, and all but the one in force were revoked.
    const [{ grants, revoked }] = await t.dataSource.query(
      `SELECT count(*)::int AS grants, count(*) FILTER (WHERE status = 'REVOKED')::int AS revoked FROM access_grant WHERE code_id = $1`,
      [code.id],
    );
    expect(grants).toBe(outcomes.redeemed);
    expect(revoked).toBe(outcomes.revoked);
    expect(grants - revoked).toBe((await codeRow(code.id)).activeGrants);
    // The rounds did race: revocations and redemptions each won several.
    expect(outcomes.redeemed).toBeGreaterThan(1);
    expect(outcomes.revoked).toBeGreaterThan(0);
    // A send is recorded only when it went through (it needs the code AVAILABLE at the time).
    const [{ sends }] = await t.dataSource.query(`SELECT count(*)::int AS sends FROM code_send WHERE code_id = $1`, [code.id]);
    expect(sends).toBe(outcomes.sent);
  }, 60_000);

  it('imports overlapping pastes at once through both processes without duplicates, each report exact', async () => {
    const run = randomBytes(3).toString('hex').toUpperCase();
    const value = (i: number) => `RACE${run}X${String(i).padStart(6, '0')}`;
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => value(from + i));
    // Identical pastes, then pastes that overlap by half in opposite orders (the order their rows
    // are inserted in): thousands of lines, so that the two inserts overlap in time.
    const pairs: [string[], string[]][] = [
      [range(0, 2000), range(0, 2000)],
      [range(10_000, 14_000), range(12_000, 16_000).reverse()],
      [range(20_000, 24_000).reverse(), range(22_000, 26_000)],
      [range(30_000, 34_000), range(32_000, 36_000).reverse()],
    ];
    for (const [first, other] of pairs) {
      const results = await Promise.all(
        [first, other].map((codes, i) =>
          (i === 0 ? admin.client : second.client.as(admin.token)).request(IMPORT, {
            input: { organizationId: organization.id, priceId, text: codes.join('\n') },
          }),
        ),
      );
      expectNoServerErrors(results);
      for (const result of results) expect(result.errors).toBeUndefined();
      const reports = results.map((result) => result.data!.importCodes);
      const owners = new Map<string, string | undefined>(
        (
          await t.dataSource.query(`SELECT code, batch_id AS "batchId" FROM code WHERE code = ANY($1)`, [
            [...new Set([...first, ...other])],
          ])
        ).map((row: { code: string; batchId: string }) => [row.code, row.batchId]),
      );
      // Every value is stored once (code is unique, so a missing one is the loss to look for).
      expect(owners.size).toBe(new Set([...first, ...other]).size);
      expect(reports[0].imported + reports[1].imported).toBe(owners.size);
      [first, other].forEach((codes, i) => {
        const mine = reports[i].batch?.id;
        const theirs = reports[1 - i].batch?.id;
        // What this import did not store, the other one did, and this report names exactly those.
        const storedByOther = codes.filter((code) => owners.get(code) !== mine);
        expect(storedByOther.every((code) => owners.get(code) === theirs)).toBe(true);
        expect(reports[i].imported).toBe(codes.length - storedByOther.length);
        expect(reports[i].alreadyStoredCount).toBe(storedByOther.length);
        // The report lists the first 1,000 in the order of the paste.
        expect(reports[i].alreadyStored.map((problem: { value: string }) => problem.value)).toEqual(storedByOther.slice(0, 1000));
        expect(reports[i].duplicateCount).toBe(0);
      });
    }
  }, 60_000);
});
