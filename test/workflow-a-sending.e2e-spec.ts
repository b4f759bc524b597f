import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { Organization } from '../src/identity/entities/organization.entity';

/**
 * Workflow A (DESIGN.md), sending: an admin picks a member who has not redeemed a code from the
 * candidate list, e-mails them a code with a message (and an admin comment that stays out of the
 * mail), re-sends it, reassigns it to someone else, and the code is redeemed — over real SMTP.
 */
const RECIPIENTS = `query($codeId: UUID!, $search: String, $status: CodeRecipientStatus, $first: Int, $after: String) {
  codeRecipients(codeId: $codeId, search: $search, status: $status, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { status user { id email firstName lastName } lastSend { createdAt code { id displayCode } } } }
  }
}`;
const SEND = `mutation($input: SendCodeInput!) {
  sendCode(input: $input) {
    code { id status lastSentToEmail lastSentToName lastSentAt }
    send { id recipientEmail recipientName message adminComment createdAt recipient { id } sentBy { id } messageId }
  }
}`;
const CODE = `query($id: UUID!) {
  code(id: $id) {
    status displayCode lastSentToEmail lastSentToName lastSentAt
    sends(first: 10) {
      totalCount
      edges { node { recipientEmail recipientName message adminComment sentBy { email } recipient { email } delivery { id kind status recipient } } }
    }
  }
}`;
const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const VOID = `mutation($id: UUID!) { voidCode(input: { codeId: $id }) { code { status } } }`;

const MESSAGE = 'Welcome to <b>the programme</b> & see you on Monday';
const ADMIN_COMMENT = 'Cohort-Leeds-internal-note-7Q';

interface RecipientNode {
  status: string;
  user: { id: string; email: string; firstName: string };
  lastSend: { createdAt: string; code: { id: string; displayCode: string } } | null;
}

describe('workflow A: sending codes to members', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let mia: Person;
  let noah: Person;
  let codes: { id: string; code: string }[];
  let fixtures: Fixtures;

  const recipients = async (variables: Record<string, unknown> = {}) =>
    (await admin.client.ok(RECIPIENTS, { codeId: codes[0].id, ...variables })).codeRecipients as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: { node: RecipientNode }[];
    };
  const recipientOf = async (person: Person) =>
    (await recipients()).edges.map((edge) => edge.node).find((node) => node.user.id === person.user.id);

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url } });
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Mentoring Programme'));
    const { price } = await fixtures.catalogue(organization, { productName: 'Mentoring 2026' });
    ({ person: mia } = await fixtures.member(
      organization,
      undefined,
      await fixtures.person({ email: 'mia@example.test', firstName: 'Mia' }),
    ));
    ({ person: noah } = await fixtures.member(
      organization,
      undefined,
      await fixtures.person({ email: 'noah@example.test', firstName: 'Noah' }),
    ));
    codes = await fixtures.codes(organization, { quantity: 3, priceId: price.id, codeType: 'MENTEE', prefix: 'MP' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('lists the members who have not redeemed a code, never sent one yet; search narrows by name or e-mail', async () => {
    const list = await recipients();
    // The organisation's admin is a member too: anyone connected can be sent a code.
    expect(list.totalCount).toBe(3);
    for (const person of [mia, noah]) {
      expect(await recipientOf(person)).toMatchObject({ status: 'NEVER_SENT', lastSend: null, user: { email: person.user.email } });
    }
    const found = await recipients({ search: 'MIA@' });
    expect(found.edges.map((edge) => edge.node.user.email)).toEqual(['mia@example.test']);
    expect((await recipients({ search: `noah ${noah.user.lastName}` })).totalCount).toBe(1);
    expect((await recipients({ search: '%' })).totalCount).toBe(0);

    const first = await recipients({ first: 2 });
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await recipients({ first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges).toHaveLength(1);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('sends a code with a message: the mail carries the code and the message, escaped in HTML, and never the admin comment', async () => {
    const { sendCode } = await admin.client.ok(SEND, {
      input: { codeId: codes[0].id, userId: mia.user.id, message: MESSAGE, adminComment: ADMIN_COMMENT },
    });
    expect(sendCode.code).toMatchObject({
      status: 'AVAILABLE',
      lastSentToEmail: 'mia@example.test',
      lastSentToName: `Mia ${mia.user.lastName}`,
    });
    expect(sendCode.send).toMatchObject({
      recipientEmail: 'mia@example.test',
      message: MESSAGE,
      adminComment: ADMIN_COMMENT,
      recipient: { id: mia.user.id },
      sentBy: { id: admin.user.id },
      messageId: expect.any(String),
    });

    await eventually(() => expect(smtp.mailsTo('mia@example.test')).toHaveLength(1));
    const [mail] = smtp.mailsTo('mia@example.test');
    const { code } = await admin.client.ok(CODE, { id: codes[0].id });
    // The mail follows the send after commit, under the id the send named.
    expect(code.sends.edges[0].node.delivery).toMatchObject({ id: sendCode.send.messageId, kind: 'CODE_SENT' });
    expect(mail.headers.get('x-tessera-message-id')).toBe(sendCode.send.messageId);
    expect(code.displayCode).toMatch(/^MP-/);
    expect(mail.subject).toBe('Your registration code for Mentoring 2026');
    expect(mail.text).toContain('Hello Mia,');
    expect(mail.text).toContain(code.displayCode);
    expect(mail.html).toContain(code.displayCode);
    expect(mail.html).toContain('Welcome to &lt;b&gt;the programme&lt;/b&gt; &amp; see you on Monday');
    expect(mail.html).not.toContain('<b>the programme</b>');
    expect(mail.text).toContain(MESSAGE);
    for (const part of [mail.text, mail.html, mail.subject, mail.raw]) expect(part).not.toContain(ADMIN_COMMENT);
    // Nor is it anywhere a template could reach it: the delivery log keeps the mail's data.
    const [logged] = await t.dataSource.query(`SELECT data::text AS data FROM message WHERE id = $1`, [sendCode.send.messageId]);
    expect(logged.data).not.toContain(ADMIN_COMMENT);
  });

  it('shows the person as sent but not redeemed, with when and which code, and the code as last sent to them', async () => {
    const node = await recipientOf(mia);
    const { code } = await admin.client.ok(CODE, { id: codes[0].id });
    expect(node).toMatchObject({ status: 'SENT_NOT_REDEEMED', lastSend: { code: { id: codes[0].id, displayCode: code.displayCode } } });
    expect(Date.now() - Date.parse(node!.lastSend!.createdAt)).toBeLessThan(60_000);
    expect((await recipientOf(noah))?.status).toBe('NEVER_SENT');
    expect((await recipients({ status: 'SENT_NOT_REDEEMED' })).edges.map((edge) => edge.node.user.id)).toEqual([mia.user.id]);
    expect((await recipients({ status: 'NEVER_SENT' })).totalCount).toBe(2);
    expect(code).toMatchObject({ status: 'AVAILABLE', lastSentToEmail: 'mia@example.test' });
    await eventually(async () =>
      expect((await admin.client.ok(CODE, { id: codes[0].id })).code.sends.edges[0].node.delivery.status).toBe('SENT'),
    );
  });

  it('re-sends the code to the same person (by e-mail address): a second mail, and two rows of history', async () => {
    const { sendCode } = await admin.client.ok(SEND, { input: { codeId: codes[0].id, email: ' MIA@example.test ' } });
    expect(sendCode.send).toMatchObject({ recipientEmail: 'mia@example.test', message: null, adminComment: null });
    await eventually(() => expect(smtp.mailsTo('mia@example.test')).toHaveLength(2));
    expect(smtp.mailsTo('mia@example.test')[1].text).not.toContain(MESSAGE);
    const { code } = await admin.client.ok(CODE, { id: codes[0].id });
    expect(code.sends.totalCount).toBe(2);
    expect(code.sends.edges.map((edge: { node: { message: string | null } }) => edge.node.message)).toEqual([null, MESSAGE]);
  });

  it('sends the same code to someone else: it is reassigned, and the history keeps all three sends', async () => {
    const { sendCode } = await admin.client.ok(SEND, { input: { codeId: codes[0].id, userId: noah.user.id, message: 'Your turn' } });
    expect(sendCode.code).toMatchObject({ status: 'AVAILABLE', lastSentToEmail: 'noah@example.test' });
    await eventually(() => expect(smtp.mailsTo('noah@example.test')).toHaveLength(1));
    const { code } = await admin.client.ok(CODE, { id: codes[0].id });
    expect(code.lastSentToName).toBe(`Noah ${noah.user.lastName}`);
    expect(code.sends.totalCount).toBe(3);
    expect(code.sends.edges.map((edge: { node: { recipientEmail: string } }) => edge.node.recipientEmail)).toEqual([
      'noah@example.test',
      'mia@example.test',
      'mia@example.test',
    ]);
    expect(code.sends.edges[0].node).toMatchObject({ sentBy: { email: admin.user.email }, recipient: { email: 'noah@example.test' } });
    const older = await admin.client.ok(`query($id: UUID!) { code(id: $id) { sends(first: 2) { pageInfo { endCursor hasNextPage } } } }`, {
      id: codes[0].id,
    });
    const { code: page2 } = await admin.client.ok(
      `query($id: UUID!, $after: String) { code(id: $id) { sends(first: 2, after: $after) { totalCount edges { node { message } } } } }`,
      { id: codes[0].id, after: older.code.sends.pageInfo.endCursor },
    );
    expect(older.code.sends.pageInfo.hasNextPage).toBe(true);
    expect(page2.sends).toEqual({ totalCount: 3, edges: [{ node: { message: MESSAGE } }] });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM domain_event WHERE type = 'CodeSent'`);
    expect(count).toBe(3);
  });

  it('once the person redeems it, they leave the candidate list and the code can no longer be sent', async () => {
    await noah.client.ok(REDEEM, { code: codes[0].code });
    expect(await recipientOf(noah)).toBeUndefined();
    expect((await recipientOf(mia))?.status).toBe('SENT_NOT_REDEEMED');
    const redeemed = await admin.client.fails(SEND, { input: { codeId: codes[0].id, userId: mia.user.id } });
    expect(redeemed).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REDEEMED' } });
    expect(redeemed.message).toMatch(/redeemed/);
    const again = await admin.client.fails(SEND, { input: { codeId: codes[1].id, userId: noah.user.id } });
    expect(again).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'RECIPIENT_ALREADY_REDEEMED', field: 'userId' } });
    expect((await admin.client.ok(CODE, { id: codes[0].id })).code.sends.totalCount).toBe(3);
  });

  it('shows the admins who used which code: the registration, found by any field, with the role from the code type', async () => {
    const USED = `query($org: UUID!, $search: String) {
      accessGrants(organizationId: $org, filter: { search: $search }) { totalCount edges { node { code role status user { email } product { name } } } }
    }`;
    for (const search of ['noah', 'NOAH@EXAMPLE', codes[0].code.toLowerCase(), 'mentoring', 'mentee']) {
      const { accessGrants } = await admin.client.ok(USED, { org: organization.id, search });
      expect(accessGrants.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
        {
          code: expect.stringMatching(/^MP/),
          role: 'MENTEE',
          status: 'ACTIVE',
          user: { email: 'noah@example.test' },
          product: { name: 'Mentoring 2026' },
        },
      ]);
    }
    expect((await admin.client.ok(USED, { org: organization.id, search: 'mia' })).accessGrants.totalCount).toBe(0);
  });

  it('refuses a void code, and anyone outside the organisation, naming the field', async () => {
    await admin.client.ok(VOID, { id: codes[2].id });
    expect(await admin.client.fails(SEND, { input: { codeId: codes[2].id, userId: mia.user.id } })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'VOID' },
    });
    const outsider = await fixtures.person({ email: 'outsider@example.test' });
    const byId = await admin.client.fails(SEND, { input: { codeId: codes[1].id, userId: outsider.user.id } });
    expect(byId).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'userId' }] } });
    expect(byId.message).toMatch(/not a member/);
    for (const email of ['outsider@example.test', 'nobody@example.test']) {
      const byEmail = await admin.client.fails(SEND, { input: { codeId: codes[1].id, email } });
      expect(byEmail).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'email' }] } });
    }
    const both = await admin.client.fails(SEND, { input: { codeId: codes[1].id, userId: mia.user.id, email: 'mia@example.test' } });
    expect(both).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'userId' }, { field: 'email' }] } });
    const tooLong = await admin.client.fails(SEND, { input: { codeId: codes[1].id, userId: mia.user.id, message: 'x'.repeat(2001) } });
    expect(tooLong).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'message' }] } });
    expect(smtp.mailsTo('outsider@example.test')).toHaveLength(0);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM code_send WHERE code_id = ANY($1)`, [
      [codes[1].id, codes[2].id],
    ]);
    expect(count).toBe(0);
  });

  it('refuses members of another organisation and ordinary members: FORBIDDEN', async () => {
    const other = await fixtures.organization('Another Programme');
    for (const caller of [other.admin, mia]) {
      expect((await caller.client.fails(SEND, { input: { codeId: codes[1].id, userId: mia.user.id } })).code).toBe('FORBIDDEN');
      expect((await caller.client.fails(RECIPIENTS, { codeId: codes[1].id })).code).toBe('FORBIDDEN');
    }
  });

  it('lets a send and a redemption of one code race: either order is consistent, never a send after the redemption', async () => {
    const { price } = await fixtures.catalogue(organization);
    for (let round = 0; round < 8; round++) {
      const [code] = await fixtures.codes(organization, { quantity: 1, priceId: price.id });
      const redeemer = await fixtures.person();
      // Alternate which request leaves first, a varying few milliseconds apart, so both orders happen.
      const later = <T>(request: () => Promise<T>) => new Promise<T>((resolve) => setTimeout(() => resolve(request()), round * 4));
      const send = () => admin.client.request(SEND, { input: { codeId: code.id, userId: mia.user.id } });
      const redeem = () => redeemer.client.request(REDEEM, { code: code.code });
      const [sent, redeemed] = await Promise.all(round % 2 ? [later(send), redeem()] : [send(), later(redeem)]);
      // The redemption never waits in vain: the person always gets the code.
      expect(redeemed.errors).toBeUndefined();
      const [row] = await t.dataSource.query(
        `SELECT c.status, c.last_sent_to_email AS "lastSentTo",
                (SELECT count(*)::int FROM code_send s WHERE s.code_id = c.id) AS sends,
                (SELECT max(occurred_at) FROM domain_event e WHERE e.type = 'CodeSent' AND e.payload->>'codeId' = c.id::text) AS "sentAt",
                (SELECT max(occurred_at) FROM domain_event e WHERE e.type = 'CodeRedeemed' AND e.payload->>'codeId' = c.id::text) AS "redeemedAt"
           FROM code c WHERE c.id = $1`,
        [code.id],
      );
      expect(row.status).toBe('REDEEMED');
      if (sent.errors) {
        expect(sent.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'REDEEMED' });
        expect(row).toMatchObject({ sends: 0, lastSentTo: null, sentAt: null });
      } else {
        expect(row).toMatchObject({ sends: 1, lastSentTo: 'mia@example.test' });
        expect(row.sentAt.getTime()).toBeLessThanOrEqual(row.redeemedAt.getTime());
      }
    }
  });
});
