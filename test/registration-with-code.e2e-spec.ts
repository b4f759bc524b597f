import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { ParticipantsService } from '../src/contracts/participants.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Workflow C's last step for a newcomer: the registration page looks the participant's code up
 * (a greeting and hints, never their personal data) and `registerWithCode` makes the account and
 * redeems the code in one transaction — both or neither — with no sign-in, under redeemCode's
 * guessing budget.
 */
const LOOKUP = `query($code: String!) { registrationCode(code: $code) { usable participant { firstName emailHint phoneHint } } }`;
const REGISTER = `mutation($input: RegisterWithCodeInput!) {
  registerWithCode(input: $input) {
    accessToken expiresAt
    user { id email firstName lastName }
    grant { id status role product { name } participant { firstName lastName email externalReference } }
  }
}`;
const PASSWORD = 'a long enough password';

describe('registration with a code: a newcomer makes an account and redeems a participant’s code at once', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let contractId: string;
  let priceId: string;

  /** A participant of the contract with their own code (as the admin generates it), and the code as people read it. */
  const participantCode = async (details: { firstName: string; lastName: string; email?: string; externalReference?: string }) => {
    const participant = await t.get(ParticipantsService).create(OPERATOR, { contractId, ...details });
    const { generateParticipantCode } = await admin.client.ok(
      `mutation($input: GenerateParticipantCodeInput!) { generateParticipantCode(input: $input) { code { id code displayCode } } }`,
      { input: { participantId: participant.id, priceId, width: 8 } },
    );
    return generateParticipantCode.code as { id: string; code: string; displayCode: string };
  };
  const codeStatus = async (id: string) => (await t.dataSource.query(`SELECT status FROM code WHERE id = $1`, [id]))[0].status as string;
  const accounts = async (...emails: string[]) =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM user_account WHERE email = ANY($1)`, [emails]))[0].n as number;
  const register = (input: Record<string, unknown>, clientAddress = '10.7.0.1') =>
    t.client.request(REGISTER, { input }, { 'x-forwarded-for': clientAddress });

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test', TRUST_PROXY: 'true' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Harbour Booking'));
    const { price } = await fixtures.catalogue(organization, { productName: 'Sailing course', accessDays: 90 });
    priceId = price.id;
    contractId = (
      await t.get(ContractsService).createContract(OPERATOR, {
        organizationId: organization.id,
        name: 'Harbour 2026',
        invitationPrefix: 'HB',
        priceIds: [priceId],
      })
    ).id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('greets the participant with hints (not their details), registers them, redeems the code, mails the confirmation and signs them in', async () => {
    const code = await participantCode({
      firstName: 'Ben',
      lastName: 'Carter',
      email: 'Ben.Carter@example.test',
      externalReference: 'EMP-002',
    });
    const typed = code.displayCode.toLowerCase();
    const { registrationCode } = await t.client.ok(LOOKUP, { code: typed });
    expect(registrationCode).toEqual({
      usable: true,
      participant: { firstName: 'Ben', emailHint: 'b•••@example.test', phoneHint: null },
    });

    // The form greets Ben and hints at the address; he types his last name and address himself.
    const { firstName } = registrationCode.participant;
    const { data, errors } = await register({
      code: typed,
      firstName,
      lastName: 'Carter',
      email: 'ben.carter@example.test',
      password: PASSWORD,
    });
    expect(errors).toBeUndefined();
    const { registerWithCode } = data!;
    expect(registerWithCode).toMatchObject({
      user: { email: 'ben.carter@example.test', firstName: 'Ben', lastName: 'Carter' },
      grant: {
        status: 'ACTIVE',
        product: { name: 'Sailing course' },
        participant: { firstName: 'Ben', lastName: 'Carter', email: 'ben.carter@example.test', externalReference: 'EMP-002' },
      },
    });
    expect(Date.parse(registerWithCode.expiresAt)).toBeGreaterThan(Date.now());
    expect(await codeStatus(code.id)).toBe('REDEEMED');
    const [grant] = await t.dataSource.query(`SELECT user_id, code_id, status FROM access_grant WHERE code_id = $1`, [code.id]);
    expect(grant).toEqual({ user_id: registerWithCode.user.id, code_id: code.id, status: 'ACTIVE' });

    // The token works, the person is a member of the organisation, and the password signs in.
    const ben = t.client.as(registerWithCode.accessToken);
    const { me } = await ben.ok(`{ me { user { email } memberships { role organization { id } } } }`);
    expect(me).toEqual({
      user: { email: 'ben.carter@example.test' },
      memberships: [{ role: 'MEMBER', organization: { id: organization.id } }],
    });
    expect((await ben.ok(`{ myAccess { edges { node { id } } } }`)).myAccess.edges).toEqual([{ node: { id: registerWithCode.grant.id } }]);
    await t.client.ok(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`, {
      input: { email: 'ben.carter@example.test', password: PASSWORD },
    });

    // Besides the confirmation, the platform asks the owner of the address to confirm it (whoever typed a code
    // could have typed anyone's address): until then the account reaches only this organisation (issue 16).
    await eventually(() => expect(smtp.mailsTo('ben.carter@example.test')).toHaveLength(2));
    const mails = smtp.mailsTo('ben.carter@example.test');
    expect(mails.map((sent) => sent.subject).sort()).toEqual(['Confirm your e-mail address', 'You are registered for Sailing course']);
    const mail = mails.find((sent) => sent.subject === 'You are registered for Sailing course')!;
    for (const sent of mails) expect(sent.text).not.toContain(PASSWORD);
    expect(mail.text).toContain('Hello Ben,');
    expect(mail.text).not.toContain(PASSWORD);
    expect((await t.client.ok(LOOKUP, { code: typed })).registrationCode.usable).toBe(false);
  });

  it('takes the details the person corrected: the pre-filled ones are suggestions, the contract keeps its own record', async () => {
    const code = await participantCode({ firstName: 'Chloe', lastName: 'Dubois', email: 'chloe@work.example.test' });
    const { data, errors } = await register({
      code: code.code,
      email: 'chloe.dubois@home.example.test',
      firstName: 'Chloé',
      lastName: 'Dubois',
      password: PASSWORD,
    });
    expect(errors).toBeUndefined();
    expect(data!.registerWithCode).toMatchObject({
      user: { email: 'chloe.dubois@home.example.test', firstName: 'Chloé' },
      grant: { participant: { firstName: 'Chloe', email: 'chloe@work.example.test' } },
    });
    expect(await accounts('chloe@work.example.test')).toBe(0);
  });

  it('answers an address that has an account with CONFLICT ACCOUNT_EXISTS (any case), and writes nothing', async () => {
    const existing = await new Fixtures(t).person({ email: 'dana@example.test' });
    const code = await participantCode({ firstName: 'Dana', lastName: 'Okafor', email: 'dana@example.test' });
    const before = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM user_account)::int AS users, (SELECT count(*) FROM access_grant)::int AS grants`,
    );
    const { errors } = await register({
      code: code.code,
      email: 'DANA@example.test',
      firstName: 'Dana',
      lastName: 'Okafor',
      password: PASSWORD,
    });
    expect(errors![0]).toMatchObject({
      message: expect.stringContaining('sign in and redeem the code'),
      extensions: { code: 'CONFLICT', reason: 'ACCOUNT_EXISTS', field: 'email' },
    });
    // Nothing about the account beyond that it exists: not its name, nor whether it has a password.
    expect(errors![0].message).not.toContain(existing.user.lastName);
    expect(await codeStatus(code.id)).toBe('AVAILABLE');
    expect(
      await t.dataSource.query(
        `SELECT (SELECT count(*) FROM user_account)::int AS users, (SELECT count(*) FROM access_grant)::int AS grants`,
      ),
    ).toEqual(before);
    // Signed in, the person redeems it as anyone with an account does.
    await existing.client.ok(`mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`, { code: code.code });
  });

  it('answers a used, a void and an unknown code each with its own error, and leaves no account', async () => {
    const used = await participantCode({ firstName: 'Eve', lastName: 'Adams' });
    const voided = await participantCode({ firstName: 'Finn', lastName: 'Berg' });
    const person = (email: string) => ({ email, firstName: 'Gus', lastName: 'Grey', password: PASSWORD });
    expect((await register({ code: used.code, ...person('eve@example.test') })).errors).toBeUndefined();
    await admin.client.ok(`mutation($id: UUID!) { voidCode(input: { codeId: $id }) { code { status } } }`, { id: voided.id });

    const cases = [
      [used.code, 'CONFLICT', 'REDEEMED'],
      [voided.code, 'CONFLICT', 'VOID'],
      ['HB-NOT-A-CODE', 'NOT_FOUND', 'NOT_FOUND'],
    ] as const;
    for (const [code, errorCode, reason] of cases) {
      const { errors } = await register({ code, ...person('gus@example.test') });
      expect(errors![0].extensions).toMatchObject({ code: errorCode, reason });
    }
    expect(await accounts('gus@example.test')).toBe(0);
  });

  it.each([
    ['a short password and a malformed e-mail', { email: 'not-an-address', password: 'short' }, ['email', 'password']],
    ['blank names', { firstName: '  ', lastName: '' }, ['firstName', 'lastName']],
  ])('refuses %s with BAD_USER_INPUT per field, and writes nothing', async (_case, wrong, fields) => {
    const code = await participantCode({ firstName: 'Hana', lastName: 'Ito' });
    const input = { code: code.code, email: 'hana@example.test', firstName: 'Hana', lastName: 'Ito', password: PASSWORD, ...wrong };
    const { errors } = await register(input);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect([...new Set((errors![0].extensions!.fields as { field: string }[]).map((f) => f.field))].sort()).toEqual(fields);
    expect(await codeStatus(code.id)).toBe('AVAILABLE');
    expect(await accounts('hana@example.test', 'not-an-address')).toBe(0);
  });

  it('gives a code 20 newcomers race for to exactly one of them, and leaves no account for the others', async () => {
    const code = await participantCode({ firstName: 'Ivy', lastName: 'Race' });
    const emails = Array.from({ length: 20 }, (_, i) => `racer-${i}@example.test`);
    const results = await Promise.all(
      emails.map((email, i) =>
        register({ code: code.code, email, firstName: 'Racer', lastName: `${i}`, password: PASSWORD }, `10.8.0.${i}`),
      ),
    );
    const winners = results.filter((result) => result.data?.registerWithCode);
    expect(winners).toHaveLength(1);
    const losers = results.filter((result) => result.errors);
    expect(losers.map((result) => result.errors![0].extensions)).toEqual(
      Array.from({ length: 19 }, () => expect.objectContaining({ code: 'CONFLICT', reason: 'REDEEMED' })),
    );
    expect(await accounts(...emails)).toBe(1);
    const grants = await t.dataSource.query(`SELECT user_id FROM access_grant WHERE code_id = $1`, [code.id]);
    expect(grants).toEqual([{ user_id: winners[0].data!.registerWithCode.user.id }]);
  }, 60_000);

  it('rolls the new account back when the code is taken between the check and the redemption', async () => {
    const code = await participantCode({ firstName: 'Jo', lastName: 'Late' });
    // Someone else is taking the code: its row is locked until their transaction ends.
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`SELECT id FROM code WHERE id = $1 FOR UPDATE`, [code.id]);
    const registering = register({ code: code.code, email: 'jo@example.test', firstName: 'Jo', lastName: 'Late', password: PASSWORD });
    // The registration has made its account and waits for the code row.
    await eventually(
      async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE code%'`,
        );
        expect(n).toBe(1);
      },
      { timeoutMs: 20_000 },
    );
    await other.query(`UPDATE code SET status = 'REDEEMED' WHERE id = $1`, [code.id]);
    await other.commitTransaction();
    await other.release();
    const { errors } = await registering;
    expect(errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'REDEEMED' });
    expect(await accounts('jo@example.test')).toBe(0);
  });

  it('charges wrong codes and taken addresses per client to redeemCode’s guessing budget: no faster guessing than there', async () => {
    const newcomer = (email: string) => ({ email, firstName: 'Kim', lastName: 'Guess', password: PASSWORD });
    // Wrong codes from one address: the same 50 a quarter of an hour as redeemCode's.
    for (let i = 0; i < 50; i++) {
      expect((await register({ code: `HB-WRONG-${i}`, ...newcomer('kim@example.test') }, '10.9.0.1')).errors![0].extensions!.code).toBe(
        'NOT_FOUND',
      );
    }
    const good = await participantCode({ firstName: 'Kim', lastName: 'Guess' });
    expect((await register({ code: good.code, ...newcomer('kim@example.test') }, '10.9.0.1')).errors![0].extensions!.code).toBe(
      'RATE_LIMITED',
    );
    // The limit is redeemCode's own: a signed-in person from that address is locked out of it too.
    const signedIn = await new Fixtures(t).person();
    const redeem = await signedIn.client.request(
      `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`,
      { code: good.code },
      { 'x-forwarded-for': '10.9.0.1' },
    );
    expect(redeem.errors![0].extensions!.code).toBe('RATE_LIMITED');
    const root = await new Fixtures(t).platformAdmin();
    const { redemptionLockouts } = await root.client.ok(`{ redemptionLockouts { clientAddress } }`);
    expect(redemptionLockouts).toContainEqual({ clientAddress: '10.9.0.1' });
    expect(await accounts('kim@example.test')).toBe(0);

    // One good code cannot sift addresses for accounts either: each address that "has an account" costs a guess
    // (the same address sent again does not: a double submit is not sifting).
    const taken = (await Promise.all(Array.from({ length: 51 }, () => new Fixtures(t).person()))).map((person) => person.user.email);
    for (let i = 0; i < 50; i++) {
      expect((await register({ code: good.code, ...newcomer(taken[i]) }, '10.9.0.2')).errors![0].extensions!.reason).toBe('ACCOUNT_EXISTS');
    }
    expect((await register({ code: good.code, ...newcomer(taken[0]) }, '10.9.0.2')).errors![0].extensions!.reason).toBe('ACCOUNT_EXISTS');
    expect((await register({ code: good.code, ...newcomer(taken[50]) }, '10.9.0.2')).errors![0].extensions!.code).toBe('RATE_LIMITED');
    // Another address is not held back, and a registration that works gives its attempt back.
    expect((await register({ code: good.code, ...newcomer('kim@example.test') }, '10.9.0.3')).errors).toBeUndefined();
    expect(await codeStatus(good.id)).toBe('REDEEMED');
  }, 60_000);
});
