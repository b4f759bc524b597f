import { newId, SecretBox } from '@tessera/common';
import { eventually, Fixtures, SmtpSink, TestApp, WebhookReceiver } from '@tessera/testing';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { newWebhookSecret } from '../src/webhooks/delivery/standard-webhooks';

const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const SUBJECT = 'Tessera: a webhook endpoint was disabled';

/**
 * An endpoint disabled for failing too long mails the people who own it, once, with Tessera's own
 * text: the organisation's admins (not its members), or for a platform endpoint the platform admins.
 * The address is shown as its origin only (a path or query may hold the receiver's token); the secret is nowhere.
 */
describe('webhook endpoint disabled: its owners are mailed', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let receiver: WebhookReceiver;
  let receiverUrl: string;

  beforeAll(async () => {
    // A final failure: one attempt per delivery.
    receiver = await WebhookReceiver.start({ answer: (_request, res) => res.writeHead(400).end('no') });
    receiverUrl = receiver.url;
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_SWEEP_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await receiver.close();
  });

  /** An endpoint (of the organisation, or the platform's for null) failing for six days already; returns its id and secret. */
  async function failingEndpoint(organizationId: string | null, path: string) {
    const secret = newWebhookSecret();
    const id = newId();
    const sealed = new SecretBox(t.runtime.config.auth.tokenSecret!, 'webhook-secret').seal(secret);
    await t.dataSource.query(
      `INSERT INTO webhook_endpoint (id, organization_id, url, event_types, secret_sealed, failing_since)
       VALUES ($1, $2, $3, '{code.redeemed}', $4, now() - interval '6 days')`,
      [id, organizationId, `${receiverUrl}/${path}?token=receiver-own-token-123#frag`, sealed],
    );
    return { id, secret };
  }

  async function disabledOf(id: string) {
    const [row] = await t.dataSource.query(`SELECT enabled, disabled_reason FROM webhook_endpoint WHERE id = $1`, [id]);
    return row as { enabled: boolean; disabled_reason: string | null };
  }

  it("mails each of the organisation's admins once, and not its members, when its endpoint is disabled", async () => {
    const fixtures = new Fixtures(t);
    const { organization, admin } = await fixtures.organization('Disabled Hooks Org');
    const { person: secondAdmin } = await fixtures.member(organization, MemberRole.ORG_ADMIN);
    const { person: member } = await fixtures.member(organization);
    const {
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Disabled hooks course' });
    const endpoint = await failingEndpoint(organization.id, 'org-hook');

    const [code, another] = await fixtures.codes(organization, { quantity: 2, priceId });
    await member.client.ok(REDEEM, { code: code.code });
    await eventually(async () => expect(await disabledOf(endpoint.id)).toEqual({ enabled: false, disabled_reason: 'FAILING' }));

    await eventually(() => {
      expect(smtp.mailsTo(admin.user.email).filter((mail) => mail.subject === SUBJECT)).toHaveLength(1);
      expect(smtp.mailsTo(secondAdmin.user.email).filter((mail) => mail.subject === SUBJECT)).toHaveLength(1);
    });
    const [mail] = smtp.mailsTo(admin.user.email).filter((m) => m.subject === SUBJECT);
    expect(mail.text).toContain(receiverUrl);
    expect(mail.text).not.toContain('/org-hook'); // a path may hold the receiver's own token
    expect(mail.text).toContain(endpoint.id);
    for (const part of [mail.text, mail.html, mail.raw]) {
      expect(part).not.toContain('receiver-own-token-123');
      expect(part).not.toContain('frag');
      expect(part).not.toContain(endpoint.secret);
      expect(part).not.toContain(endpoint.secret.replace(/^whsec_/, ''));
    }
    expect(smtp.mailsTo(member.user.email).filter((m) => m.subject === SUBJECT)).toHaveLength(0);

    // In the organisation's message log, Tessera's text (an organisation's own template would not apply).
    const messages = await t.dataSource.query(`SELECT recipient, organization_id FROM message WHERE kind = 'WEBHOOK_ENDPOINT_DISABLED'`);
    expect(messages.map((m: { recipient: string }) => m.recipient).sort()).toEqual([admin.user.email, secondAdmin.user.email].sort());
    expect(new Set(messages.map((m: { organization_id: string }) => m.organization_id))).toEqual(new Set([organization.id]));

    // A later event finds the endpoint disabled: no attempt, no second mail.
    await (await fixtures.person()).client.ok(REDEEM, { code: another.code });
    await eventually(async () => {
      const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1`, [endpoint.id]);
      expect(row.n).toBe(1); // disabled endpoints get no new deliveries
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails.filter((m) => m.subject === SUBJECT)).toHaveLength(2);
    const [published] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM domain_event WHERE type = 'WebhookEndpointDisabled' AND payload->>'webhookEndpointId' = $1`,
      [endpoint.id],
    );
    expect(published.n).toBe(1);
  });

  it('mails the platform admins when a platform endpoint is disabled', async () => {
    const fixtures = new Fixtures(t);
    const platformAdmin = await fixtures.platformAdmin();
    const { organization, admin } = await fixtures.organization('Platform Hooked Org');
    const {
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Platform hooks course' });
    const endpoint = await failingEndpoint(null, 'platform-hook');
    const before = smtp.mails.length;

    const [code] = await fixtures.codes(organization, { quantity: 1, priceId });
    const { person } = await fixtures.member(organization);
    await person.client.ok(REDEEM, { code: code.code });
    await eventually(async () => expect(await disabledOf(endpoint.id)).toEqual({ enabled: false, disabled_reason: 'FAILING' }));

    const platformAdmins: { email: string }[] = await t.dataSource.query(`SELECT email FROM user_account WHERE is_platform_admin`);
    expect(platformAdmins.map((a) => a.email)).toContain(platformAdmin.user.email);
    await eventually(() => {
      for (const { email } of platformAdmins) {
        expect({ email, mails: smtp.mailsTo(email).filter((m) => m.subject === SUBJECT).length }).toEqual({ email, mails: 1 });
      }
    });
    const fresh = smtp.mails.slice(before).filter((m) => m.subject === SUBJECT);
    expect(fresh).toHaveLength(platformAdmins.length); // the organisation's admin is not told of the platform's endpoint
    expect(fresh.flatMap((m) => m.to)).not.toContain(admin.user.email);
    expect(fresh[0].text).toContain(receiverUrl);
    expect(fresh[0].text).not.toContain('/platform-hook');
    expect(fresh[0].text).not.toContain('receiver-own-token-123');
  });
});
