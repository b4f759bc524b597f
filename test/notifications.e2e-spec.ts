import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Organization } from '../src/identity/entities/organization.entity';
import { MessageKind } from '../src/notifications/message-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';

const MESSAGES = `query($org: UUID!, $filter: MessageFilter) {
  messages(organizationId: $org, filter: $filter) { totalCount edges { node { id kind recipient subject status attempts lastError providerMessageId codeId sentAt } } }
}`;

function codeSent(organization: Organization, recipient: string, extra: Record<string, unknown> = {}) {
  return {
    kind: MessageKind.CODE_SENT,
    recipient,
    organizationId: organization.id,
    data: {
      code: 'HBK7M2Q9',
      product: { name: 'Sailing course' },
      organization: { name: organization.name },
      recipient: { firstName: 'Ada <b>', email: recipient },
      message: 'See you "soon" & bring <boots>',
      ...extra,
    },
  };
}

describe('notifications: the mail queue, SMTP delivery and the delivery log', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Harbour <codes@harbour.test>', MAIL_RETRY_DELAY_MS: '200', MAIL_MAX_ATTEMPTS: '3' },
    });
    ({ organization, admin } = await new Fixtures(t).organization('Harbour Mail'));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const log = async (filter: Record<string, unknown> = {}) => (await admin.client.ok(MESSAGES, { org: organization.id, filter })).messages;

  it('delivers a queued message once over SMTP, with headers, HTML and text parts and escaped user text', async () => {
    const messageId = await t.get(NotificationsService).queue(codeSent(organization, 'Ada@Example.test'));
    await eventually(() => expect(smtp.mailsTo('ada@example.test')).toHaveLength(1));
    const [mail] = smtp.mailsTo('ada@example.test');
    expect(mail.subject).toBe('Your registration code for Sailing course');
    expect(mail.headers.get('from')).toMatchObject({ value: [{ address: 'codes@harbour.test', name: 'Harbour' }] });
    expect(mail.headers.get('x-tessera-message-id')).toBe(messageId!);
    expect(mail.html).toContain('HBK7M2Q9');
    expect(mail.html).toContain('See you &quot;soon&quot; &amp; bring &lt;boots&gt;');
    expect(mail.html).not.toContain('<boots>');
    expect(mail.text).toContain('See you "soon" & bring <boots>');
    await eventually(async () => expect((await log({ recipient: 'ada@' })).edges[0].node).toMatchObject({ status: 'SENT', attempts: 1 }));
    expect((await log({ recipient: 'ada@' })).edges[0].node.providerMessageId).toBeTruthy();

    // A retried job finds the message SENT and sends nothing.
    expect(await t.get(NotificationsService).deliver(messageId!)).toBe('SKIPPED');
    expect(smtp.mailsTo('ada@example.test')).toHaveLength(1);
  });

  it('queues one message per event and person, however often the event is handled', async () => {
    const eventId = '01890a5d-ac96-774b-bcce-b302099a8057';
    const service = t.get(NotificationsService);
    expect(await service.queue({ ...codeSent(organization, 'once@example.test'), eventId })).not.toBeNull();
    expect(await service.queue({ ...codeSent(organization, 'once@example.test'), eventId })).toBeNull();
    await eventually(() => expect(smtp.mailsTo('once@example.test')).toHaveLength(1));
  });

  it('retries a temporary refusal (4xx) and delivers once, with the attempts recorded', async () => {
    smtp.deferRecipients.set('later@example.test', 1);
    await t.get(NotificationsService).queue(codeSent(organization, 'later@example.test'));
    await eventually(
      async () => expect((await log({ recipient: 'later@' })).edges[0].node).toMatchObject({ status: 'SENT', attempts: 2 }),
      {
        timeoutMs: 15_000,
      },
    );
    expect(smtp.mailsTo('later@example.test')).toHaveLength(1);
  });

  it('gives up after MAIL_MAX_ATTEMPTS temporary refusals: FAILED, with every attempt counted', async () => {
    smtp.deferRecipients.set('busy@example.test', 10);
    await t.get(NotificationsService).queue(codeSent(organization, 'busy@example.test'));
    await eventually(
      async () => expect((await log({ recipient: 'busy@' })).edges[0].node).toMatchObject({ status: 'FAILED', attempts: 3 }),
      { timeoutMs: 15_000 },
    );
    expect((await log({ recipient: 'busy@' })).edges[0].node.lastError).toMatch(/451/);
    expect(smtp.mailsTo('busy@example.test')).toHaveLength(0);
    smtp.deferRecipients.delete('busy@example.test');
  });

  it('sends a message whose sender died mid-send once the claim lapses, and only once', async () => {
    smtp.rejectRecipients.add('abandoned@example.test');
    const messageId = await t.get(NotificationsService).queue(codeSent(organization, 'abandoned@example.test'));
    await eventually(async () => expect((await log({ recipient: 'abandoned@' })).edges[0].node.status).toBe('FAILED'));
    smtp.rejectRecipients.delete('abandoned@example.test');
    // As a worker leaves it when killed between claiming and recording: unfinished, claimed, claim (its deadline) lapsed.
    await t.dataSource.query(
      `UPDATE message SET status = 'QUEUED', claimed_until = now() - interval '1 second', recover_after = now() - interval '1 second' WHERE id = $1`,
      [messageId!],
    );
    await eventually(async () =>
      expect((await log({ recipient: 'abandoned@' })).edges[0].node).toMatchObject({ status: 'SENT', attempts: 2 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(smtp.mailsTo('abandoned@example.test')).toHaveLength(1);
  });

  it('records a permanent refusal (5xx) as FAILED without retrying, and resends on request', async () => {
    smtp.rejectRecipients.add('gone@example.test');
    await t.get(NotificationsService).queue(codeSent(organization, 'gone@example.test'));
    await eventually(async () =>
      expect((await log({ recipient: 'gone@' })).edges[0].node).toMatchObject({ status: 'FAILED', attempts: 1 }),
    );
    const failed = (await log({ recipient: 'gone@' })).edges[0].node;
    expect(failed.lastError).toMatch(/550/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await log({ recipient: 'gone@' })).edges[0].node.attempts).toBe(1);

    smtp.rejectRecipients.delete('gone@example.test');
    const { resendMessage } = await admin.client.ok(
      `mutation($id: UUID!) { resendMessage(input: { messageId: $id }) { message { id status } } }`,
      {
        id: failed.id,
      },
    );
    expect(resendMessage.message.id).not.toBe(failed.id);
    await eventually(() => expect(smtp.mailsTo('gone@example.test')).toHaveLength(1));
    expect((await log({ status: ['FAILED'], recipient: 'gone@' })).totalCount).toBe(1);
  });

  it('shows the log to the organisation’s admins only', async () => {
    const { person } = await new Fixtures(t).member(organization);
    expect((await person.client.fails(MESSAGES, { org: organization.id })).code).toBe('FORBIDDEN');
  });
});

describe('notifications in zero-setup mode: .eml files instead of SMTP', () => {
  it('writes each message as an .eml file under DATA_DIR/mail', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-mail-'));
    const t = await TestApp.create({ env: { DATA_DIR: dataDir } });
    try {
      const { organization } = await new Fixtures(t).organization('File Mail');
      const messageId = await t.get(NotificationsService).queue(codeSent(organization, 'file@example.test'));
      const file = join(dataDir, 'mail', `${messageId!}.eml`);
      await eventually(async () => expect(await readdir(join(dataDir, 'mail'))).toContain(`${messageId!}.eml`));
      const eml = await readFile(file, 'utf8');
      expect(eml).toContain('To: file@example.test');
      expect(eml).toContain('Subject: Your registration code for Sailing course');
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
