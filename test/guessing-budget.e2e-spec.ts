import { eventually, Fixtures, Person, SmtpSink, TestApp, type GraphQLResponse } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { ParticipantsService } from '../src/contracts/participants.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { Organization } from '../src/identity/entities/organization.entity';
import { GUESSES_PER_ACTOR, GUESSES_PER_CLIENT } from '../src/identity/guessing-budget.service';

/**
 * Issue 16, findings 2, 3 and 5, performed as an attacker (or a double-clicking client) would: one
 * guessing budget per actor for every answer that tells a live code from a dead one — redeemCode,
 * registerWithCode, the anonymous registrationCode look-up and imports.
 */
const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const IMPORT = `mutation($input: ImportCodesInput!) {
  importCodes(input: $input) { imported alreadyStoredCount alreadyStored { line value reason } batch { id } }
}`;
const LOOKUP = `query($code: String!) { registrationCode(code: $code) { usable reason participant { firstName emailHint phoneHint } } }`;
const LOCKOUTS = `{ redemptionLockouts { key attempts person { email } clientAddress } }`;

type Answer = GraphQLResponse<Record<string, any>>;
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code ?? 'OK';
const tally = (answers: Answer[]) =>
  answers.map(codeOf).reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

describe('one guessing budget for every answer that tells a live code from a dead one (issue 16: 2, 3, 5)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let fixtures: Fixtures;
  let victim: Organization;
  let victimAdmin: Person;
  let priceId: string;
  let contractId: string;
  let platformAdmins: Person[];

  const as = (person: Person | null, address: string) => ({
    request: (query: string, variables: Record<string, unknown>) =>
      (person ? person.client : t.client).request(query, variables, { 'x-forwarded-for': address }),
  });
  const guessMails = (admin: Person) => smtp.mailsTo(admin.user.email).filter((mail) => mail.subject.startsWith('Tessera: guessing limit'));
  const queuedAlerts = async () =>
    (await t.dataSource.query(`SELECT recipient, data FROM message WHERE kind = 'GUESSING_LIMIT_REACHED' ORDER BY recipient`)) as {
      recipient: string;
      data: { guess: Record<string, string> };
    }[];

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test', TRUST_PROXY: 'true' } });
    fixtures = new Fixtures(t);
    platformAdmins = [await fixtures.platformAdmin(), await fixtures.platformAdmin()];
    ({ organization: victim, admin: victimAdmin } = await fixtures.organization('Victim Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(victim, { productName: 'Sailing course', accessDays: 30 }));
    contractId = (
      await t.get(ContractsService).createContract(OPERATOR, {
        organizationId: victim.id,
        name: 'Victim 2026',
        invitationPrefix: 'VO',
        priceIds: [priceId],
      })
    ).id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('finding 2: an import charges each line found in another organisation, refuses past the budget naming no line, and alerts the platform admins once', async () => {
    const theirs = (await fixtures.codes(victim, { quantity: 30, priceId })).map((code) => code.code);
    const { organization: prober, admin: proberAdmin } = await fixtures.organization('Prober Org');
    const ownCodes = (await fixtures.codes(prober, { quantity: 3 })).map((code) => code.code);
    const mallory = as(proberAdmin, '203.0.113.7');
    const importing = (lines: string[]) => mallory.request(IMPORT, { input: { organizationId: prober.id, text: lines.join('\n') } });

    // Within the budget: 4 of the victim's codes are told apart (and charged), the prober's own codes are free.
    const first = await importing([...theirs.slice(0, 4), ...ownCodes, 'PROBEFRESH0001']);
    expect(first.errors).toBeUndefined();
    expect(first.data!.importCodes).toMatchObject({ imported: 1, alreadyStoredCount: 7 });
    const reasons = first.data!.importCodes.alreadyStored.map((problem: { reason: string }) => problem.reason);
    expect(reasons.filter((reason: string) => /Already in use/.test(reason))).toHaveLength(4);
    expect(reasons.filter((reason: string) => /your inventory/.test(reason))).toHaveLength(3);
    // Own codes again and again cost nothing: the prober's own data.
    for (let i = 0; i < 3; i++) expect((await importing(ownCodes)).data!.importCodes.alreadyStoredCount).toBe(3);

    // 20 more of the victim's codes hidden among 2,000 random lines: past the person's budget of 10.
    const haystack = Array.from({ length: 2000 }, (_, i) => `HAYSTACK${String(i).padStart(6, '0')}`);
    haystack.splice(700, 0, ...theirs.slice(4, 24));
    const refused = await importing(haystack);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(refused.data ?? null).toBeNull();
    const answer = JSON.stringify(refused);
    for (const code of theirs.slice(4, 24)) expect(answer).not.toContain(code);
    expect(answer).not.toMatch(/Already|in use|inventory/i);
    // Nothing of it was imported.
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM code WHERE code LIKE 'HAYSTACK%'`);
    expect(n).toBe(0);

    // Used up: every import is refused until the window ends, with or without collisions — otherwise
    // "imported" or "refused" would itself tell whether a line exists elsewhere.
    expect(codeOf(await importing(['PROBEFRESH0002']))).toBe('RATE_LIMITED');
    expect(codeOf(await importing([theirs[29]]))).toBe('RATE_LIMITED');
    // The same budget as redeemCode's: the admin cannot turn to redeeming guesses either.
    expect(codeOf(await mallory.request(REDEEM, { code: 'NOTACODE0001' }))).toBe('RATE_LIMITED');
    expect(codeOf(await mallory.request(REDEEM, { code: theirs[29] }))).toBe('RATE_LIMITED');

    // Another admin of the prober's, elsewhere, gets no fresh budget beyond the organisation's (own codes stay free).
    const { person: accomplice } = await fixtures.member(prober, MemberRole.ORG_ADMIN);
    const second = await as(accomplice, '198.51.100.9').request(IMPORT, {
      input: { organizationId: prober.id, text: ownCodes.join('\n') },
    });
    expect(second.data!.importCodes.alreadyStoredCount).toBe(3);

    // The platform admins hear of it: one event, one mail each, however many refusals followed.
    const [event] = await t.dataSource.query(
      `SELECT payload, organization_id FROM domain_event WHERE type = 'GuessingLimitReached'
      AND organization_id = $1`,
      [prober.id],
    );
    expect(event.payload).toMatchObject({ path: 'IMPORT', actorKind: 'user', actorRef: proberAdmin.user.id, clientAddress: '203.0.113.7' });
    const alerts = (await queuedAlerts()).filter((alert) => alert.data.guess.path === 'IMPORT');
    const everyPlatformAdmin = (await t.dataSource.query(`SELECT email FROM user_account WHERE is_platform_admin ORDER BY email`)).map(
      (row: { email: string }) => row.email,
    );
    expect(everyPlatformAdmin).toEqual(expect.arrayContaining(platformAdmins.map((admin) => admin.user.email)));
    expect(alerts.map((alert) => alert.recipient)).toEqual(everyPlatformAdmin);
    for (const admin of platformAdmins) {
      await eventually(() => expect(guessMails(admin).filter((mail) => mail.subject.includes('IMPORT'))).toHaveLength(1));
      const [mail] = guessMails(admin).filter((m) => m.subject.includes('IMPORT'));
      expect(mail.text).toContain(`person ${proberAdmin.user.email}`);
      expect(mail.text).toContain('203.0.113.7');
      expect(mail.text).toContain('Prober Org');
      for (const code of theirs) expect(mail.raw).not.toContain(code);
    }
    // The admin's own look-up by value answers another organisation's code exactly as one that does not exist.
    const CODE_BY_VALUE = `query($code: String!) { code(code: $code) { id } }`;
    const foreign = await as(proberAdmin, '198.51.100.10').request(CODE_BY_VALUE, { code: theirs[29] });
    const missing = await as(proberAdmin, '198.51.100.10').request(CODE_BY_VALUE, { code: 'NOSUCHCODE99' });
    expect({ ...foreign.errors![0].extensions, id: 'X' }).toEqual({ ...missing.errors![0].extensions, id: 'X' });
    expect(foreign.errors![0].message.replace(theirs[29], 'X')).toBe(missing.errors![0].message.replace('NOSUCHCODE99', 'X'));
    // The victim's codes are untouched.
    const [{ available }] = await t.dataSource.query(
      `SELECT count(*)::int AS available FROM code WHERE organization_id = $1 AND status = 'AVAILABLE' AND code = ANY($2)`,
      [victim.id, theirs],
    );
    expect(available).toBe(30);
  }, 60_000);

  it('finding 3: the anonymous look-up draws on redeemCode’s budget, and hands whoever holds a code no personal data', async () => {
    const participant = await t.get(ParticipantsService).create(OPERATOR, {
      contractId,
      firstName: 'Ada',
      lastName: 'Okafor',
      email: 'ada.okafor@example.test',
      phone: '+44 20 7946 0042',
      dateOfBirth: '1990-04-23',
    });
    const { generateParticipantCode } = await victimAdmin.client.ok(
      `mutation($input: GenerateParticipantCodeInput!) { generateParticipantCode(input: $input) { code { code } } }`,
      { input: { participantId: participant.id, priceId, width: 8 } },
    );
    const adaCode: string = generateParticipantCode.code.code;
    const address = '203.0.113.30';
    const anonymous = as(null, address);

    // 45 anonymous wrong look-ups (more than the old look-up's own 30 a minute) spend the address's budget…
    for (let i = 0; i < GUESSES_PER_CLIENT - 5; i++) {
      const { data } = await anonymous.request(LOOKUP, { code: `LOOKUPGUESS${i}` });
      expect(data!.registrationCode).toMatchObject({ usable: false, reason: 'NOT_FOUND' });
    }
    // …so a person redeeming from that address is refused after 5 wrong codes, not 10.
    const guesser = await fixtures.person();
    const redeeming = as(guesser, address);
    const redeemed: string[] = [];
    for (let i = 0; i < GUESSES_PER_ACTOR; i++) redeemed.push(codeOf(await redeeming.request(REDEEM, { code: `REDEEMGUESS${i}` })));
    expect(redeemed).toEqual([...Array(5).fill('NOT_FOUND'), ...Array(5).fill('RATE_LIMITED')]);
    // And the look-up, used up, cannot tell a live code from a dead one.
    const locked = await anonymous.request(LOOKUP, { code: adaCode });
    expect(locked.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(JSON.stringify(locked)).not.toContain('Ada');

    // From elsewhere, a hit greets Ada and hints at her address and phone — nothing more.
    const hit = await as(null, '203.0.113.31').request(LOOKUP, { code: adaCode });
    expect(hit.data!.registrationCode).toEqual({
      usable: true,
      reason: null,
      participant: { firstName: 'Ada', emailHint: 'a•••@example.test', phoneHint: '•••42' },
    });
    for (const secret of ['Okafor', 'ada.okafor', '7946', '1990']) expect(JSON.stringify(hit)).not.toContain(secret);
    // The personal fields are not in the anonymous answer's type at all.
    for (const field of ['lastName', 'email', 'phone', 'dateOfBirth']) {
      const asked = await t.client.request(`query($code: String!) { registrationCode(code: $code) { participant { ${field} } } }`, {
        code: adaCode,
      });
      expect(asked.errors![0].message).toContain(`Cannot query field "${field}"`);
      expect(asked.data ?? null).toBeNull();
    }
    // A real code costs nothing: looking Ada's code up again and again spends no budget.
    const visitor = as(null, '203.0.113.32');
    for (let i = 0; i < GUESSES_PER_CLIENT + 5; i++) expect(codeOf(await visitor.request(LOOKUP, { code: adaCode }))).toBe('OK');
    // Ada registers from the form with her own details; the look-up's hints were never needed.
    const registered = await visitor.request(
      `mutation($input: RegisterWithCodeInput!) { registerWithCode(input: $input) { grant { status } } }`,
      {
        input: {
          code: adaCode,
          firstName: 'Ada',
          lastName: 'Okafor',
          email: 'ada.okafor@example.test',
          password: 'a long enough password',
        },
      },
    );
    expect(registered.data!.registerWithCode.grant.status).toBe('ACTIVE');
  }, 60_000);

  it('an attacker with an IPv6 /64 has one budget, not one per address (and an IPv4-mapped address is its IPv4)', async () => {
    // Every wrong look-up from a new address of one /64, as a host that owns the /64 can send them.
    const network = (i: number) => `2001:db8:16:1:${((i * 7919) % 0x10000).toString(16)}:${i.toString(16)}:0:1`;
    for (let i = 0; i < GUESSES_PER_CLIENT; i++) {
      expect(codeOf(await as(null, network(i)).request(LOOKUP, { code: `SIXTYFOUR${i}` }))).toBe('OK');
    }
    // A fresh address of that /64 (written another way) finds the budget used up, even for a new guess…
    for (const address of ['2001:db8:16:1::ffff', '2001:0DB8:0016:0001:ffff:ffff:ffff:fffe']) {
      const refused = await as(null, address).request(LOOKUP, { code: 'SIXTYFOURMORE' });
      expect(codeOf(refused)).toBe('RATE_LIMITED');
    }
    // …while the next /64 (another subscriber) still has its own.
    expect((await as(null, '2001:db8:16:2::1').request(LOOKUP, { code: 'SIXTYFOURMORE' })).data!.registrationCode.reason).toBe('NOT_FOUND');
    const root = platformAdmins[0];
    const lockouts = (await root.client.ok(LOCKOUTS)).redemptionLockouts as { key: string; clientAddress: string | null }[];
    expect(lockouts.filter((lockout) => lockout.clientAddress?.startsWith('2001:db8:16:'))).toEqual([
      expect.objectContaining({ key: 'guess:client:2001:db8:16:1::/64', clientAddress: '2001:db8:16:1::/64' }),
    ]);

    // A dual-stack proxy may write an IPv4 client as ::ffff:a.b.c.d: both spellings draw on one budget.
    for (let i = 0; i < GUESSES_PER_CLIENT; i++) {
      const address = i % 2 ? '::ffff:203.0.113.60' : '203.0.113.60';
      expect(codeOf(await as(null, address).request(LOOKUP, { code: `MAPPED${i}` }))).toBe('OK');
    }
    expect(codeOf(await as(null, '::ffff:203.0.113.60').request(LOOKUP, { code: 'MAPPEDMORE' }))).toBe('RATE_LIMITED');
    expect(codeOf(await as(null, '203.0.113.60').request(LOOKUP, { code: 'MAPPEDMORE' }))).toBe('RATE_LIMITED');
  }, 60_000);

  it('sign-in counts an IPv6 client by its /64 too: a new address of the network does not reset the client limit', async () => {
    const LOGIN = `mutation($email: String!) { login(input: { email: $email, password: "not the password" }) { accessToken } }`;
    const address = (i: number) => `2001:db8:16:5:${i.toString(16)}::${(i * 31).toString(16)}`;
    // Each attempt from a new address, for a new e-mail: only the client limit (50) can stop them.
    for (let i = 0; i < 50; i++) {
      expect(codeOf(await as(null, address(i)).request(LOGIN, { email: `spray${i}@example.test` }))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await as(null, '2001:db8:16:5:ffff::1').request(LOGIN, { email: 'spray-more@example.test' }))).toBe('RATE_LIMITED');
    expect(codeOf(await as(null, '2001:db8:16:6::1').request(LOGIN, { email: 'spray-more@example.test' }))).toBe('UNAUTHENTICATED');
  }, 60_000);

  it('finding 5: 40 concurrent submissions of a real code by its person give 1 ok and 39 CONFLICT, and lock nobody out', async () => {
    const [code, next] = await fixtures.codes(victim, { quantity: 2, priceId });
    const person = await fixtures.person({ email: 'double.clicker@example.test' });
    const clicking = as(person, '203.0.113.50');

    const answers = await Promise.all(Array.from({ length: 40 }, () => clicking.request(REDEEM, { code: code.code })));
    expect(tally(answers)).toEqual({ OK: 1, CONFLICT: 39 });
    for (const answer of answers.filter((a) => a.errors)) {
      expect(['REDEEMED', 'ALREADY_HAS_ACCESS']).toContain(answer.errors![0].extensions!.reason);
    }
    const root = platformAdmins[0];
    const lockouts = (await root.client.ok(LOCKOUTS)).redemptionLockouts as { key: string }[];
    expect(lockouts.filter((lockout) => lockout.key.endsWith(person.user.id) || lockout.key.endsWith('203.0.113.50'))).toEqual([]);

    // A typo sent 40 times at once is one wrong guess, not 40.
    const typo = await Promise.all(Array.from({ length: 40 }, () => clicking.request(REDEEM, { code: 'TYPOTYPO01' })));
    expect(tally(typo)).toEqual({ NOT_FOUND: 40 });
    // A real code refused (a product they have already) costs nothing either, however often.
    for (let i = 0; i < 3; i++) expect(codeOf(await clicking.request(REDEEM, { code: next.code }))).toBe('CONFLICT');
    // So nine other wrong codes still get an answer.
    for (let i = 0; i < GUESSES_PER_ACTOR - 1; i++)
      expect(codeOf(await clicking.request(REDEEM, { code: `OTHERTYPO${i}` }))).toBe('NOT_FOUND');
    // Only a new wrong code is refused now, and the refusal itself adds nothing.
    expect(codeOf(await clicking.request(REDEEM, { code: 'ONEMORETYPO' }))).toBe('RATE_LIMITED');
    expect(codeOf(await clicking.request(REDEEM, { code: 'ONEMORETYPO' }))).toBe('RATE_LIMITED');
    const [bucket] = await t.dataSource.query(`SELECT attempts FROM rate_limit_bucket WHERE key = $1`, [`guess:user:${person.user.id}`]);
    expect(bucket.attempts).toBe(GUESSES_PER_ACTOR);
  }, 60_000);

  it('finding 5: the person can redeem another code right after a double submit', async () => {
    const { organization: other } = await fixtures.organization('Other Org');
    const { price } = await fixtures.catalogue(other, { productName: 'Another course', accessDays: 30 });
    const [first] = await fixtures.codes(victim, { quantity: 1, priceId });
    const [second] = await fixtures.codes(other, { quantity: 1, priceId: price.id });
    const person = await fixtures.person();
    const clicking = as(person, '203.0.113.51');
    expect(tally(await Promise.all(Array.from({ length: 40 }, () => clicking.request(REDEEM, { code: first.code }))))).toEqual({
      OK: 1,
      CONFLICT: 39,
    });
    expect(codeOf(await clicking.request(REDEEM, { code: second.code }))).toBe('OK');
  }, 60_000);

  it("bounds the lines an organisation's imports may check in a day; a refused import counts nothing", async () => {
    const limited = await TestApp.create({ env: { CODE_IMPORT_LINES_PER_DAY: '1000' } });
    try {
      const { organization, admin } = await new Fixtures(limited).organization('Busy Importer');
      const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `DAILY${String(from + i).padStart(6, '0')}`);
      const importing = (codes: string[]) =>
        admin.client.request(IMPORT, { input: { organizationId: organization.id, text: codes.join('\n') } });
      expect((await importing(lines(0, 800))).data?.importCodes.imported).toBe(800);
      const refused = await importing(lines(800, 300));
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect((await importing(lines(800, 200))).data?.importCodes.imported).toBe(200);
      expect(codeOf(await importing(lines(1000, 1)))).toBe('RATE_LIMITED');
      const [{ n }] = await limited.dataSource.query(`SELECT count(*)::int AS n FROM code WHERE organization_id = $1`, [organization.id]);
      expect(n).toBe(1000);
    } finally {
      await limited.close();
    }
  });
});
