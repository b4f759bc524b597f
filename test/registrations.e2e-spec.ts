import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { ContractsService } from '../src/contracts/contracts.service';
import { AccessGrantsService } from '../src/access/access-grants.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { Organization } from '../src/identity/entities/organization.entity';

const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const GRANTS = `query($org: UUID!, $filter: AccessGrantFilter) {
  accessGrants(organizationId: $org, filter: $filter) {
    totalCount
    totalCountIsExact
    edges { node { id status code role startsAt endsAt createdAt user { email firstName lastName } product { name }
      milestones { key label completedAt } history { kind previousEndsAt newEndsAt reason } } }
  }
}`;
const MILESTONE = `mutation($grant: UUID!, $key: String!) { recordMilestone(input: { grantId: $grant, key: $key }) { grant { id } } }`;
const REVOKE = `mutation($grant: UUID!, $reason: String) { revokeAccess(input: { grantId: $grant, reason: $reason }) { grant { status endsAt } } }`;
const EXTEND = `mutation($grant: UUID!, $endsAt: DateTime!) { extendAccess(input: { grantId: $grant, endsAt: $endsAt }) { grant { status endsAt } } }`;
const HAS_ACCESS = `query($product: UUID!) { hasAccess(productId: $product) }`;

describe('registrations: who used which code, milestones, revoke, extend, expiry', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let productId: string;
  let priceId: string;
  let mentee: Person;
  let mentor: Person;
  let menteeGrant: string;
  let mentorGrant: string;
  let menteeCode: { id: string; code: string };

  const grants = async (filter: Record<string, unknown> = {}) =>
    (await admin.client.ok(GRANTS, { org: organization.id, filter })).accessGrants;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Mentoring Org'));
    const contracts = t.get(ContractsService);
    const product = await contracts.createProduct(OPERATOR, {
      ownerOrganizationId: organization.id,
      name: 'Leadership Programme',
      milestones: [
        { key: 'assessment_completed', label: 'Assessment completed' },
        { key: 'survey_completed', label: 'Survey completed' },
      ],
    });
    const price = await contracts.createPrice(OPERATOR, { productId: product.id, priceCode: 'STD', name: 'Standard', accessDays: 90 });
    ({ id: productId } = product);
    ({ id: priceId } = price);
    [menteeCode] = await fixtures.codes(organization, { quantity: 1, priceId, codeType: 'MENTEE' });
    const [mentorCode] = await fixtures.codes(organization, { quantity: 1, priceId, codeType: 'MENTOR' });
    mentee = await fixtures.person({ email: 'mia.mentee@example.test', firstName: 'Mia', lastName: 'Mentee' });
    mentor = await fixtures.person({ email: 'max.mentor@example.test', firstName: 'Max', lastName: 'Mentor' });
    menteeGrant = (await mentee.client.ok(REDEEM, { code: menteeCode.code })).redeemCode.grant.id;
    mentorGrant = (await mentor.client.ok(REDEEM, { code: mentorCode.code })).redeemCode.grant.id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('lists who used which code and when, with the role, the dates and the milestones', async () => {
    const list = await grants();
    expect(list.totalCount).toBe(2);
    const node = list.edges.find((edge: { node: { id: string } }) => edge.node.id === menteeGrant).node;
    expect(node).toMatchObject({
      status: 'ACTIVE',
      role: 'MENTEE',
      user: { email: 'mia.mentee@example.test', firstName: 'Mia' },
      product: { name: 'Leadership Programme' },
      milestones: [
        { key: 'assessment_completed', label: 'Assessment completed', completedAt: null },
        { key: 'survey_completed', label: 'Survey completed', completedAt: null },
      ],
      history: [],
    });
    expect(node.code.replace(/-/g, '')).toBe(menteeCode.code);
  });

  it('records milestones by the person, an admin or the organisation’s API key, once each', async () => {
    await mentee.client.ok(MILESTONE, { grant: menteeGrant, key: 'assessment_completed' });
    const { createApiKey } = await admin.client.ok(
      `mutation($org: UUID!) { createApiKey(input: { organizationId: $org, name: "LMS" }) { secret } }`,
      {
        org: organization.id,
      },
    );
    await t.client.as(createApiKey.secret).ok(MILESTONE, { grant: menteeGrant, key: 'survey_completed' });
    await admin.client.ok(MILESTONE, { grant: menteeGrant, key: 'survey_completed' });
    expect(await mentor.client.fails(MILESTONE, { grant: menteeGrant, key: 'survey_completed' })).toMatchObject({ code: 'FORBIDDEN' });
    const wrong = await mentee.client.fails(MILESTONE, { grant: menteeGrant, key: 'graduated' });
    expect(wrong).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'key' }] } });
    expect(wrong.message).toContain('assessment_completed, survey_completed');

    const [node] = (await grants({ search: 'mia' })).edges.map((edge: { node: unknown }) => edge.node);
    expect(node.milestones.map((m: { completedAt: string | null }) => Boolean(m.completedAt))).toEqual([true, true]);
  });

  it.each([
    ['the person’s name', 'max ment', 'MENTOR'],
    ['the e-mail', 'MIA.MENTEE@', 'MENTEE'],
    ['the role', 'mentor', 'MENTOR'],
    ['a milestone', 'survey_comp', 'MENTEE'],
  ])('finds a registration by %s', async (_what, search, role) => {
    const list = await grants({ search });
    expect(list.edges.map((edge: { node: { role: string } }) => edge.node.role)).toEqual([role]);
  });

  it('finds a registration by its code, typed as people type it', async () => {
    const typed = `${menteeCode.code.slice(0, 3).toLowerCase()}-${menteeCode.code.slice(3).toLowerCase()}`;
    expect((await grants({ search: typed })).edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([menteeGrant]);
    expect((await grants({ search: 'Leadership Programme' })).totalCount).toBe(2);
  });

  it('searches page by page with exact counts, and with terms too short for the trigram indexes', async () => {
    const first = await admin.client.ok(
      `query($org: UUID!) { accessGrants(organizationId: $org, first: 1, filter: { search: "ment" }) {
        totalCount totalCountIsExact pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      { org: organization.id },
    );
    expect(first.accessGrants).toMatchObject({ totalCount: 2, totalCountIsExact: true, pageInfo: { hasNextPage: true } });
    const second = await admin.client.ok(
      `query($org: UUID!, $after: String) { accessGrants(organizationId: $org, first: 1, after: $after, filter: { search: "ment" }) {
        pageInfo { hasNextPage } edges { node { id } } } }`,
      { org: organization.id, after: first.accessGrants.pageInfo.endCursor },
    );
    expect(second.accessGrants.pageInfo.hasNextPage).toBe(false);
    expect([first.accessGrants.edges[0].node.id, second.accessGrants.edges[0].node.id].sort()).toEqual([menteeGrant, mentorGrant].sort());
    expect((await grants({ search: 'ax' })).edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([mentorGrant]);
    expect((await grants({ search: 'zq' })).totalCount).toBe(0);
    expect((await grants({ search: 'mia', status: ['REVOKED'] })).totalCount).toBe(0);
  });

  it('exports the registrations as CSV with the same filter', async () => {
    const response = await fetch(`${t.url}/exports/registrations.csv?organizationId=${organization.id}&search=mia`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.status).toBe(200);
    const text = (await response.text()).replace(/^\ufeff/, '');
    const [header, row, ...rest] = text.trim().split('\n');
    expect(header).toBe('code,email,first_name,last_name,product,price,role,status,redeemed_at,starts_at,ends_at,milestones');
    expect(rest).toEqual([]);
    expect(row).toContain(`${menteeCode.code},mia.mentee@example.test,Mia,Mentee,Leadership Programme,Standard,MENTEE,ACTIVE,`);
    expect(row).toMatch(/assessment_completed \d{4}-\d\d-\d\dT[\d:]+Z; survey_completed/);
  });

  it('extends the dates (platform admins for any customer), keeps the history and mails the person', async () => {
    const root = await new Fixtures(t).platformAdmin();
    const endsAt = new Date(Date.now() + 200 * 86_400_000).toISOString();
    const { extendAccess } = await root.client.ok(EXTEND, { grant: mentorGrant, endsAt });
    expect(extendAccess.grant).toMatchObject({ status: 'ACTIVE', endsAt });
    const [node] = (await grants({ search: 'max' })).edges.map((edge: { node: unknown }) => edge.node);
    expect(node.history).toEqual([{ kind: 'EXTENDED', previousEndsAt: expect.any(String), newEndsAt: endsAt, reason: null }]);
    await eventually(() =>
      expect(smtp.mailsTo('max.mentor@example.test').map((mail) => mail.subject)).toContain(
        `Your access to Leadership Programme now lasts until ${endsAt.slice(0, 10)}`,
      ),
    );
    expect(await admin.client.fails(EXTEND, { grant: mentorGrant, endsAt: '2001-01-01T00:00:00Z' })).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const stranger = (await new Fixtures(t).organization('Other Org')).admin;
    expect((await stranger.client.fails(EXTEND, { grant: mentorGrant, endsAt })).code).toBe('FORBIDDEN');
  });

  it('removes a person: access ends now, the seat is free again, the person is told, and the code can be used again', async () => {
    expect((await mentee.client.ok(HAS_ACCESS, { product: productId })).hasAccess).toBe(true);
    const { revokeAccess } = await admin.client.ok(REVOKE, { grant: menteeGrant, reason: 'Left the programme' });
    expect(revokeAccess.grant.status).toBe('REVOKED');
    expect((await mentee.client.ok(HAS_ACCESS, { product: productId })).hasAccess).toBe(false);
    const { code } = await admin.client.ok(`query($id: UUID!) { code(id: $id) { status } }`, { id: menteeCode.id });
    expect(code.status).toBe('AVAILABLE');
    await eventually(() =>
      expect(smtp.mailsTo('mia.mentee@example.test').map((mail) => mail.subject)).toContain(
        'Your access to Leadership Programme has ended',
      ),
    );
    const revokedMail = smtp.mailsTo('mia.mentee@example.test').find((mail) => mail.subject.includes('has ended'))!;
    expect(revokedMail.text).toContain('Left the programme');
    expect(await admin.client.fails(REVOKE, { grant: menteeGrant })).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REVOKED' } });
    expect((await grants({ status: ['REVOKED'] })).totalCount).toBe(1);

    // The seat is reused by someone else.
    const next = await new Fixtures(t).person();
    await next.client.ok(REDEEM, { code: menteeCode.code });
    expect((await grants({ status: ['ACTIVE'] })).totalCount).toBe(2);
  });

  it('re-sends the registration confirmation', async () => {
    const before = smtp.mailsTo('max.mentor@example.test').filter((mail) => mail.subject.startsWith('You are registered')).length;
    await admin.client.ok(`mutation($grant: UUID!) { resendConfirmation(input: { grantId: $grant }) { grant { id } } }`, {
      grant: mentorGrant,
    });
    await eventually(() =>
      expect(smtp.mailsTo('max.mentor@example.test').filter((mail) => mail.subject.startsWith('You are registered'))).toHaveLength(
        before + 1,
      ),
    );
  });

  it('ends grants past their end date in the scheduled round, with the history', async () => {
    await t.dataSource.query(`UPDATE access_grant SET ends_at = now() - interval '1 minute' WHERE id = $1`, [mentorGrant]);
    expect((await grants({ status: ['EXPIRED'] })).totalCount).toBe(1);
    expect(await t.get(AccessGrantsService).expireDue()).toBe(1);
    const [node] = (await grants({ status: ['EXPIRED'] })).edges.map((edge: { node: unknown }) => edge.node);
    expect(node.status).toBe('EXPIRED');
    expect(node.history.map((change: { kind: string }) => change.kind)).toEqual(['EXTENDED', 'EXPIRED']);
    expect((await mentor.client.ok(HAS_ACCESS, { product: productId })).hasAccess).toBe(false);
    // Extending an expired access puts it in force again.
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await admin.client.ok(EXTEND, { grant: mentorGrant, endsAt })).extendAccess.grant.status).toBe('ACTIVE');
    expect((await mentor.client.ok(HAS_ACCESS, { product: productId })).hasAccess).toBe(true);
  });
});

describe('access expiry mail (ACCESS_EXPIRY_MAIL=true)', () => {
  it('tells each person whose access ended, once', async () => {
    const smtp = await SmtpSink.start();
    const t = await TestApp.create({ env: { SMTP_URL: smtp.url, ACCESS_EXPIRY_MAIL: 'true' } });
    try {
      const fixtures = new Fixtures(t);
      const { organization } = await fixtures.organization('Expiry Org');
      const { price } = await fixtures.catalogue(organization, { productName: 'Short course', accessDays: 1 });
      const [code] = await fixtures.codes(organization, { quantity: 1, priceId: price.id });
      const person = await fixtures.person({ email: 'ends@example.test', firstName: 'Eli' });
      const { redeemCode } = await person.client.ok(REDEEM, { code: code.code });
      await t.dataSource.query(`UPDATE access_grant SET ends_at = now() - interval '1 minute' WHERE id = $1`, [redeemCode.grant.id]);
      expect(await t.get(AccessGrantsService).expireDue()).toBe(1);
      await eventually(() =>
        expect(smtp.mailsTo('ends@example.test').map((mail) => mail.subject)).toContain('Your access to Short course has ended'),
      );
      const ended = smtp.mailsTo('ends@example.test').find((mail) => mail.subject.includes('has ended'))!;
      expect(ended.text).toMatch(/ended on \d{4}-\d\d-\d\d\./);
      expect(await t.get(AccessGrantsService).expireDue()).toBe(0);
    } finally {
      await t.close();
      await smtp.close();
    }
  });
});
