import { eventually, Fixtures, FIXTURE_PASSWORD, GraphQLResponse, SmtpSink, TestApp, type ReceivedMail } from '@tessera/testing';
import { RateLimitSweep } from '../src/identity/rate-limit-sweep';
import { UsersService } from '../src/identity/users.service';

const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken user { id } } }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { accepted } }`;
const SET_PASSWORD = `mutation($input: SetPasswordInput!) { setPassword(input: $input) { accessToken user { id } } }`;
const APP = 'https://app.example.test';

/** The per-account limit this spec runs with (the default is 100 an hour): fewer wrong passwords to send. */
const PER_ACCOUNT = 30;
/** The defaults: per account and client address, and per client address, in 15 minutes. */
const PER_ACCOUNT_AND_CLIENT = 10;
const PER_CLIENT = 50;
/** Reset requests: per account and client address in 15 minutes, and per account in an hour (from addresses it never signed in from). */
const RESETS_PER_ACCOUNT_AND_CLIENT = 3;
const RESETS_PER_ACCOUNT = 10;

/**
 * Sign-in lock-outs as an attacker would try them (issue 16, findings 4 and 6): a stranger who knows
 * an address cannot keep its owner out, a guesser spread over many addresses still meets a limit,
 * and a refused client cannot grow the rate-limit table; the sweep deletes what has expired.
 */
describe('lock-outs: the owner survives, the rows stay bounded', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    // The test app trusts X-Forwarded-For, so each request can come from an address of its own.
    t = await TestApp.create({
      env: { TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(PER_ACCOUNT), SMTP_URL: smtp.url, APP_URL: `${APP}/` },
    });
    fixtures = new Fixtures(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const login = (email: string, password: string, from: string): Promise<GraphQLResponse> =>
    t.client.request(LOGIN, { input: { email, password } }, { 'x-forwarded-for': from });
  const outcome = (response: GraphQLResponse): string => String(response.errors?.[0]?.extensions?.code ?? 'OK');
  const requestReset = (email: string, from: string): Promise<GraphQLResponse> =>
    t.client.request(REQUEST_RESET, { email }, { 'x-forwarded-for': from });
  const setPassword = (token: string, password: string, from: string): Promise<GraphQLResponse> =>
    t.client.request(SET_PASSWORD, { input: { token, password } }, { 'x-forwarded-for': from });
  /** The set-password links mailed to the address, once `count` mails have come. */
  const mailedLinks = async (email: string, count: number): Promise<string[]> => {
    await eventually(() => expect(smtp.mailsTo(email)).toHaveLength(count));
    return smtp.mailsTo(email).map(linkIn);
  };
  /** The links the account has been issued (each request that mails one makes one, in its transaction). */
  const issuedLinks = async (userId: string): Promise<number> =>
    (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM password_token WHERE user_id = $1`, [userId]))[0].n;
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

  it('lets the owner back in at once after a distributed guesser held the account: reset from a new address, sign in from it', async () => {
    const owner = await fixtures.person();
    // Earlier, an attacker signed in from their address with a password they had stolen.
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, '10.6.3.66'))).toBe('OK');

    // Wrong passwords from many addresses, 10 each (the most one address may try), past the per-account limit.
    const guesses: string[] = [];
    for (let address = 0; address < PER_ACCOUNT / PER_ACCOUNT_AND_CLIENT + 1; address++) {
      const answers = await Promise.all(
        Array.from({ length: PER_ACCOUNT_AND_CLIENT }, (_, i) => login(owner.user.email, `guess ${address}-${i}`, `10.6.1.${address}`)),
      );
      guesses.push(...answers.map(outcome));
    }
    expect(guesses.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(PER_ACCOUNT);
    expect(guesses.filter((code) => code === 'RATE_LIMITED')).toHaveLength(PER_ACCOUNT_AND_CLIENT);
    // The owner, on a device they never signed in from, is held by the per-account limit even with the right password.
    const ownersNewAddress = '10.6.2.1';
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, ownersNewAddress))).toBe('RATE_LIMITED');

    // So they reset the password from there with the mailed link...
    expect(outcome(await requestReset(owner.user.email, ownersNewAddress))).toBe('OK');
    const [link] = await mailedLinks(owner.user.email, 1);
    const set = await setPassword(link, 'the owner’s new password', ownersNewAddress);
    expect(outcome(set)).toBe('OK');
    expect(set.data?.setPassword.user.id).toBe(owner.user.id);
    // ...and sign in from it at once with the new password: following the mailed link proved the address.
    const signIn = await login(owner.user.email, 'the owner’s new password', ownersNewAddress);
    expect(outcome(signIn)).toBe('OK');
    expect(signIn.data?.login.user.id).toBe(owner.user.id);
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, ownersNewAddress))).toBe('UNAUTHENTICATED');

    // The per-account limit still holds everyone else: the address the stolen password was used from is forgotten,
    // and a guesser's new address is refused even with the new password.
    expect(outcome(await login(owner.user.email, 'the owner’s new password', '10.6.3.66'))).toBe('RATE_LIMITED');
    expect(outcome(await login(owner.user.email, 'the owner’s new password', '10.6.1.200'))).toBe('RATE_LIMITED');
    expect(await t.dataSource.query(`SELECT 1 FROM sign_in_client WHERE user_id = $1`, [owner.user.id])).toHaveLength(1);
  });

  it('mails the owner a link whatever strangers request, and the link mailed before their requests still works', async () => {
    const owner = await fixtures.person();
    const ownersAddress = '10.7.0.1';
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, ownersAddress))).toBe('OK');
    expect(outcome(await requestReset(owner.user.email, ownersAddress))).toBe('OK');
    const [earlier] = await mailedLinks(owner.user.email, 1);

    // Strangers who know the address ask for resets from five addresses of theirs.
    for (let stranger = 0; stranger < 5; stranger++) {
      const answer = await requestReset(owner.user.email, `10.7.1.${stranger}`);
      expect(outcome(answer)).toBe('OK');
      expect(answer.data?.requestPasswordReset.accepted).toBe(true);
    }
    // The owner's own request from their address still mails a link.
    expect(outcome(await requestReset(owner.user.email, ownersAddress))).toBe('OK');
    const links = await mailedLinks(owner.user.email, 7);
    expect(new Set(links).size).toBe(7);

    // Their requests killed nothing: the owner follows the link mailed before them.
    const set = await setPassword(earlier, 'a password after the jam', ownersAddress);
    expect(outcome(set)).toBe('OK');
    expect(set.data?.setPassword.user.id).toBe(owner.user.id);
    expect(outcome(await login(owner.user.email, 'a password after the jam', ownersAddress))).toBe('OK');

    // Using it killed every other link of the account, the owner's own later one too: a stranger holding one is too late.
    for (const [i, other] of links.filter((token) => token !== earlier).entries()) {
      const used = await setPassword(other, 'a stranger’s password', `10.7.2.${i}`);
      expect(used.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'LINK_EXPIRED', field: 'token' } });
    }
    expect(outcome(await login(owner.user.email, 'a password after the jam', ownersAddress))).toBe('OK');
    expect(outcome(await login(owner.user.email, 'a stranger’s password', ownersAddress))).toBe('UNAUTHENTICATED');
  });

  it('caps strangers’ reset requests per address and per account, never the owner’s from their address, alike for unknown addresses', async () => {
    const owner = await fixtures.person();
    const ownersAddress = '10.8.0.1';
    expect(outcome(await login(owner.user.email, FIXTURE_PASSWORD, ownersAddress))).toBe('OK');
    const nobody = `nobody-${owner.user.id}@example.test`;

    // One stranger's address: 3 requests, then RATE_LIMITED, for an account and for an unknown address alike.
    for (const email of [owner.user.email, nobody]) {
      const answers: string[] = [];
      for (let attempt = 0; attempt <= RESETS_PER_ACCOUNT_AND_CLIENT; attempt++)
        answers.push(outcome(await requestReset(email, '10.8.1.66')));
      expect(answers).toEqual([...Array<string>(RESETS_PER_ACCOUNT_AND_CLIENT).fill('OK'), 'RATE_LIMITED']);
    }
    expect(await issuedLinks(owner.user.id)).toBe(RESETS_PER_ACCOUNT_AND_CLIENT);

    // Strangers spread over many addresses: the answer is always the same, and the inbox gets at most 10 links an hour.
    for (const email of [owner.user.email, nobody]) {
      for (let stranger = 0; stranger < RESETS_PER_ACCOUNT; stranger++) {
        const answer = await requestReset(email, `10.8.2.${stranger}`);
        expect(outcome(answer)).toBe('OK');
        expect(answer.data?.requestPasswordReset.accepted).toBe(true);
      }
    }
    expect(await issuedLinks(owner.user.id)).toBe(RESETS_PER_ACCOUNT);

    // The owner's requests from where they sign in are not held by the strangers' (up to their own 3).
    for (let attempt = 0; attempt < RESETS_PER_ACCOUNT_AND_CLIENT; attempt++) {
      expect(outcome(await requestReset(owner.user.email, ownersAddress))).toBe('OK');
    }
    expect(await issuedLinks(owner.user.id)).toBe(RESETS_PER_ACCOUNT + RESETS_PER_ACCOUNT_AND_CLIENT);
    expect(outcome(await requestReset(owner.user.email, ownersAddress))).toBe('RATE_LIMITED');
    const links = await mailedLinks(owner.user.email, RESETS_PER_ACCOUNT + RESETS_PER_ACCOUNT_AND_CLIENT);
    expect(outcome(await setPassword(links[links.length - 1], 'the owner’s own choice', ownersAddress))).toBe('OK');
    expect(smtp.mailsTo(nobody)).toHaveLength(0);
  });

  it('takes one of several links used at once: one sets the password, the others are CONFLICT, none fails', async () => {
    const owner = await fixtures.person();
    for (let i = 0; i < 8; i++) expect(outcome(await requestReset(owner.user.email, `10.9.0.${i}`))).toBe('OK');
    const links = await mailedLinks(owner.user.email, 8);
    const answers = await Promise.all(links.map((token, i) => setPassword(token, `racing password ${i}`, `10.9.1.${i}`)));
    expect(answers.map(outcome).sort()).toEqual([...Array<string>(7).fill('CONFLICT'), 'OK']);
    const winner = answers.findIndex((answer) => outcome(answer) === 'OK');
    expect(outcome(await login(owner.user.email, `racing password ${winner}`, `10.9.1.${winner}`))).toBe('OK');
    expect(await t.dataSource.query(`SELECT 1 FROM password_token WHERE user_id = $1 AND used_at IS NULL`, [owner.user.id])).toHaveLength(
      0,
    );
  });
});

function linkIn(mail: ReceivedMail): string {
  const match = new RegExp(`${APP.replace(/\./g, '\\.')}/set-password\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No set-password link in:\n${mail.text}`);
  return match[1];
}
