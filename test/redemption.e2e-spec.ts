import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { Organization } from '../src/identity/entities/organization.entity';

const REDEEM = `mutation($code: String!) {
  redeemCode(input: { code: $code }) { grant { id status role startsAt endsAt product { name } price { name } } }
}`;
const MY_ACCESS = `{ myAccess { totalCount edges { node { id status product { name } } } } }`;
const VOID = `mutation($id: UUID!) { voidCode(input: { codeId: $id }) { code { status } } }`;

describe('redemption: a person redeems a code', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test', TRUST_PROXY: 'true' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Redeem Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Mentoring 2026', accessDays: 30 }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('gives access for the price’s days, in the role of the code’s type, connects the person and mails a confirmation', async () => {
    const [code] = await new Fixtures(t).codes(organization, { quantity: 1, priceId, codeType: 'MENTEE' });
    const person = await new Fixtures(t).person({ email: 'mentee@example.test', firstName: 'Mia' });
    const typed = `  ${code.code.toLowerCase().slice(0, 4)}-${code.code.toLowerCase().slice(4)} `;
    const { redeemCode } = await person.client.ok(REDEEM, { code: typed });
    expect(redeemCode.grant).toMatchObject({
      status: 'ACTIVE',
      role: 'MENTEE',
      product: { name: 'Mentoring 2026' },
      price: { name: 'Standard' },
    });
    const days = (Date.parse(redeemCode.grant.endsAt) - Date.parse(redeemCode.grant.startsAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 5);

    const { myAccess } = await person.client.ok(MY_ACCESS);
    expect(myAccess.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([redeemCode.grant.id]);
    const { me } = await person.client.ok(`{ me { memberships { role organization { id } } } }`);
    expect(me.memberships).toEqual([{ role: 'MEMBER', organization: { id: organization.id } }]);

    await eventually(() => expect(smtp.mailsTo('mentee@example.test')).toHaveLength(1));
    const [mail] = smtp.mailsTo('mentee@example.test');
    expect(mail.subject).toBe('You are registered for Mentoring 2026');
    expect(mail.text).toContain('Hello Mia,');
    expect(mail.text).toContain('Sign in: https://app.example.test/sign-in');
  });

  it('answers a used, a void and a wrong code each with its own error, and nothing changes', async () => {
    const [used, voided] = await new Fixtures(t).codes(organization, { quantity: 2, priceId });
    const first = await new Fixtures(t).person();
    const second = await new Fixtures(t).person();
    await first.client.ok(REDEEM, { code: used.code });

    const again = await second.client.fails(REDEEM, { code: used.code });
    expect(again).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REDEEMED' } });
    await admin.client.ok(VOID, { id: voided.id });
    expect(await second.client.fails(REDEEM, { code: voided.code })).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'VOID' } });
    expect(await second.client.fails(REDEEM, { code: 'NOSUCHCODE1' })).toMatchObject({
      code: 'NOT_FOUND',
      extensions: { reason: 'NOT_FOUND' },
    });
    expect((await second.client.ok(MY_ACCESS)).myAccess.totalCount).toBe(0);
  });

  it('lets exactly one of 200 people redeeming one code at the same moment have it', async () => {
    const [code] = await new Fixtures(t).codes(organization, { quantity: 1, priceId });
    const people = await Promise.all(Array.from({ length: 200 }, () => new Fixtures(t).person()));
    // 200 people, each from their own address (the per-address limit is for one client guessing).
    const results = await Promise.all(
      people.map((person, i) => person.client.request(REDEEM, { code: code.code }, { 'x-forwarded-for': `10.1.${i >> 8}.${i & 255}` })),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    for (const loser of results.filter((result) => result.errors)) {
      expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'REDEEMED' });
    }
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM access_grant WHERE code_id = $1`, [code.id]);
    expect(count).toBe(1);
  }, 60_000);

  it('rate-limits wrong codes per person', async () => {
    const guesser = await new Fixtures(t).person();
    for (let i = 0; i < 10; i++) expect((await guesser.client.fails(REDEEM, { code: `WRONG${i}XYZ` })).code).toBe('NOT_FOUND');
    expect((await guesser.client.fails(REDEEM, { code: 'WRONGAGAIN' })).code).toBe('RATE_LIMITED');

    // A platform admin sees the lock-out and lifts it (a person's lock-out holds across organisations,
    // so an organisation's admin may not); the person may try again.
    const LOCKOUTS = `query($org: UUID) { redemptionLockouts(organizationId: $org) { key attempts retryAfterSeconds person { email } clientAddress } }`;
    const root = await new Fixtures(t).platformAdmin();
    await new Fixtures(t).member(organization, undefined, guesser);
    const { redemptionLockouts } = await root.client.ok(LOCKOUTS, { org: organization.id });
    expect(redemptionLockouts).toEqual([
      {
        key: `guess:user:${guesser.user.id}`,
        // The refused eleventh guess is not counted: a refusal teaches nothing.
        attempts: 10,
        retryAfterSeconds: expect.any(Number),
        person: { email: guesser.user.email },
        clientAddress: null,
      },
    ]);
    expect((await admin.client.fails(LOCKOUTS, { org: organization.id })).code).toBe('FORBIDDEN');
    expect(
      (
        await guesser.client.fails(`mutation($key: String!) { liftRedemptionLockout(input: { key: $key }) { lifted } }`, {
          key: redemptionLockouts[0].key,
        })
      ).code,
    ).toBe('FORBIDDEN');
    await root.client.ok(`mutation($key: String!) { liftRedemptionLockout(input: { key: $key }) { lifted } }`, {
      key: redemptionLockouts[0].key,
    });
    expect((await guesser.client.fails(REDEEM, { code: 'WRONGONCEMORE' })).code).toBe('NOT_FOUND');
  });

  it('counts wrong codes sent in parallel before looking them up: no more than the limit get an answer', async () => {
    const guesser = await new Fixtures(t).person();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => guesser.client.request(REDEEM, { code: `PARALLEL${i}X` }, { 'x-forwarded-for': '10.2.0.1' })),
    );
    const codes = results.map((result) => result.errors![0].extensions!.code);
    expect(codes.filter((code) => code === 'NOT_FOUND')).toHaveLength(10);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(30);
  });

  it('is for people, not API keys', async () => {
    const { createApiKey } = await admin.client.ok(
      `mutation($org: UUID!) { createApiKey(input: { organizationId: $org, name: "Shop" }) { secret } }`,
      { org: organization.id },
    );
    const [code] = await new Fixtures(t).codes(organization, { quantity: 1, priceId });
    expect((await t.client.as(createApiKey.secret).fails(REDEEM, { code: code.code })).code).toBe('FORBIDDEN');
  });
});
