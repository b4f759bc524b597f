import { Fixtures, FIXTURE_PASSWORD, GraphQLResponse, TestApp } from '@tessera/testing';
import { RateLimitSweep } from '../src/identity/rate-limit-sweep';
import { UsersService } from '../src/identity/users.service';

const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken user { id } } }`;

/** The per-account limit this spec runs with (the default is 100 an hour): fewer wrong passwords to send. */
const PER_ACCOUNT = 30;
/** The defaults: per account and client address, and per client address, in 15 minutes. */
const PER_ACCOUNT_AND_CLIENT = 10;
const PER_CLIENT = 50;

/**
 * Sign-in lock-outs as an attacker would try them (issue 16, findings 4 and 6): a stranger who knows
 * an address cannot keep its owner out, a guesser spread over many addresses still meets a limit,
 * and a refused client cannot grow the rate-limit table; the sweep deletes what has expired.
 */
describe('lock-outs: the owner survives, the rows stay bounded', () => {
  let t: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    // The test app trusts X-Forwarded-For, so each request can come from an address of its own.
    t = await TestApp.create({ env: { TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(PER_ACCOUNT) } });
    fixtures = new Fixtures(t);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, from: string): Promise<GraphQLResponse> =>
    t.client.request(LOGIN, { input: { email, password } }, { 'x-forwarded-for': from });
  const outcome = (response: GraphQLResponse): string => String(response.errors?.[0]?.extensions?.code ?? 'OK');
  const rateLimitRows = async (): Promise<number> =>
    (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM rate_limit_bucket`))[0].n;

  it('lets the owner sign in at once from another address after a stranger sent 30 wrong passwords', async () => {
    const owner = await fixtures.person();
    // A stranger who knows the address sends 30 wrong passwords from theirs, all at once.
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(owner.user.email, 'wrong password', '10.1.0.66')));
    const signIn = await login(owner.user.email, FIXTURE_PASSWORD, '10.1.0.1');
    expect(outcome(signIn)).toBe('OK');
    expect(signIn.data?.login.user.id).toBe(owner.user.id);
    // Their guesses stopped at the limit for this account from that address (the counts are atomic: none slipped past).
    expect(answers.map(outcome).sort()).toEqual([
      ...Array<string>(30 - PER_ACCOUNT_AND_CLIENT).fill('RATE_LIMITED'),
      ...Array<string>(PER_ACCOUNT_AND_CLIENT).fill('UNAUTHENTICATED'),
    ]);

    // The stranger's own address stays held, even should it now guess right.
    const lucky = await login(owner.user.email, FIXTURE_PASSWORD, '10.1.0.66');
    expect(outcome(lucky)).toBe('RATE_LIMITED');
    expect(lucky.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // The address is held for this account only: it is not the per-client limit.
    const other = await fixtures.person();
    expect(outcome(await login(other.user.email, FIXTURE_PASSWORD, '10.1.0.66'))).toBe('OK');
  });

  it('stops a guesser spread over many addresses at the per-account limit, while the owner signs in from a known address', async () => {
    const owner = await fixtures.person();
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.2.0.1'))).toBe('OK');

    // Each address guesses until it is refused; new addresses keep coming.
    let wrongAnswers = 0;
    let addresses = 0;
    for (; addresses < 10; addresses++) {
      const from = `10.2.1.${addresses}`;
      let refused = false;
      for (let attempt = 0; attempt <= PER_ACCOUNT_AND_CLIENT && !refused; attempt++) {
        const code = outcome(await login(owner.user.email, `guess ${addresses}-${attempt}`, from));
        if (code === 'UNAUTHENTICATED') wrongAnswers++;
        else refused = code === 'RATE_LIMITED';
        expect(['UNAUTHENTICATED', 'RATE_LIMITED']).toContain(code);
      }
      if (wrongAnswers >= PER_ACCOUNT) break;
    }
    // 30 guesses were checked in all, over three addresses; a fourth is refused at its first try.
    expect(wrongAnswers).toBe(PER_ACCOUNT);
    expect(addresses).toBe(PER_ACCOUNT / PER_ACCOUNT_AND_CLIENT - 1);
    expect(outcome(await login(owner.user.email, 'one more guess', '10.2.1.200'))).toBe('RATE_LIMITED');
    // A new address is refused even with the right password: a guess that hits tells the guesser nothing.
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.2.1.201'))).toBe('RATE_LIMITED');

    // The owner, from where they signed in before, is not held by it; nor does their sign-in lift it.
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.2.0.1'))).toBe('OK');
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.2.1.202'))).toBe('RATE_LIMITED');
    // A wrong password from the owner's address is still checked and answered as such.
    expect(outcome(await login(owner.user.email, 'typo', '10.2.0.1'))).toBe('UNAUTHENTICATED');
  });

  it('adds no rows for a refused client cycling 500 e-mail addresses', async () => {
    const from = '10.3.0.66';
    const outcomes: string[] = [];
    for (let attempt = 0; attempt <= PER_CLIENT; attempt++) {
      outcomes.push(outcome(await login(`nobody-${attempt}@example.test`, 'guess', from)));
    }
    expect(outcomes.slice(0, PER_CLIENT).every((code) => code === 'UNAUTHENTICATED')).toBe(true);
    expect(outcomes[PER_CLIENT]).toBe('RATE_LIMITED');

    const before = await rateLimitRows();
    const cycled: string[] = [];
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => login(`cycled-${round * 50 + i}@example.test`, 'guess', from)),
      );
      cycled.push(...answers.map(outcome));
    }
    expect(cycled).toEqual(Array<string>(500).fill('RATE_LIMITED'));
    expect(await rateLimitRows()).toBe(before);
  });

  it('sweeps expired rate-limit rows and old sign-in addresses, and keeps what still counts', async () => {
    const owner = await fixtures.person();
    expect(outcome(await login(owner.user.email, 'wrong password', '10.4.0.66'))).toBe('UNAUTHENTICATED');
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.4.0.1'))).toBe('OK');
    const held = await t.dataSource.query<{ key: string }[]>(`SELECT key FROM rate_limit_bucket WHERE key LIKE '%10.1.0.66%'`);
    expect(held.length).toBeGreaterThan(0);

    // Two hours pass for the stranger's rows (every window is over), 31 days for the owner's address.
    const aged = await t.dataSource.query<{ key: string }[]>(
      `WITH aged AS (
         UPDATE rate_limit_bucket SET window_started_at = window_started_at - interval '2 hours', expires_at = expires_at - interval '2 hours'
          WHERE key LIKE '%10.4.0.66%' OR key = $1 RETURNING key
       )
       SELECT key FROM aged`,
      [`login:account:${owner.user.email}`],
    );
    expect(aged.length).toBe(3);
    await t.dataSource.query(`UPDATE sign_in_client SET last_signed_in_at = last_signed_in_at - interval '31 days' WHERE user_id = $1`, [
      owner.user.id,
    ]);

    const swept = await t.get(RateLimitSweep).sweep();
    expect(swept.buckets).toBe(3);
    expect(swept.signInClients).toBe(1);
    const keys = (await t.dataSource.query<{ key: string }[]>(`SELECT key FROM rate_limit_bucket`)).map((row) => row.key);
    for (const { key } of aged) expect(keys).not.toContain(key);
    expect(keys).toEqual(expect.arrayContaining(held.map((row) => row.key)));
    expect((await t.dataSource.query(`SELECT 1 FROM sign_in_client WHERE user_id = $1`, [owner.user.id])).length).toBe(0);
    expect(await t.get(RateLimitSweep).sweep()).toEqual({ buckets: 0, signInClients: 0 });

    // What was kept still holds: the stranger of the first test is still refused for that account.
    const firstOwnerKey = held.find((row) => row.key.startsWith('login:account-client:'))!.key;
    const firstOwnerEmail = firstOwnerKey.slice(firstOwnerKey.indexOf(' ') + 1);
    expect(outcome(await login(firstOwnerEmail, FIXTURE_PASSWORD, '10.1.0.66'))).toBe('RATE_LIMITED');
  });

  it('forgets the addresses an account signed in from when its password changes', async () => {
    const owner = await fixtures.person();
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.5.0.1'))).toBe('OK');
    const known = () => t.dataSource.query(`SELECT 1 FROM sign_in_client WHERE user_id = $1`, [owner.user.id]);
    expect(await known()).toHaveLength(1);
    await t.get(UsersService).setPassword(owner.user.id, 'a brand new password');
    expect(await known()).toHaveLength(0);
  });
});
