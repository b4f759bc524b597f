import { eventually, freePort, startOrganizationApp, type OrganizationApp } from '@tessera/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newWebhookSecret, signWebhook } from '../src/webhooks/delivery/standard-webhooks';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/catalog/event-types';
import type { PublicWebhookEvent } from '../src/webhooks/catalog/public-event';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS, webhookTestEvent } from '../src/webhooks/catalog/public-event-builder';
import type { OutboxEvent } from '@tessera/events';
import { REJECTED, shapeOf, walkCatalog } from './support/catalog-walk';

/**
 * The public event catalog against the real app: a small workflow makes every source event, the
 * builder turns the outbox's events into public ones, and each type must have the shape of its
 * documented example and no secret anywhere. Then the documented receiver (docs/examples) is run
 * and must accept a signed delivery and refuse a forged one.
 */
const RECEIVER = join(__dirname, '..', 'docs', 'examples', 'webhook-receiver.mjs');

describe('webhook catalog: public events built from a real workflow', () => {
  let app: OrganizationApp;
  /** Every secret the workflow handled, which must never show in a public event. */
  const secrets: string[] = [];
  const built = new Map<string, PublicWebhookEvent[]>();

  beforeAll(async () => {
    app = await startOrganizationApp({
      organizationName: 'Hooked Org',
      productName: 'Webhook course',
      env: { APP_URL: 'https://app.example.test', MAIL_MAX_ATTEMPTS: '1' },
      rejectRecipients: [REJECTED],
    });
  });
  afterAll(async () => {
    await app.t.close();
    await app.smtp.close();
  });

  it('walks a workflow that makes every source event', async () => {
    secrets.push(...(await walkCatalog(app)).secrets);
  });

  it('builds, for every catalog type, public events shaped as the documented example', async () => {
    const events = await app.t.dataSource.query<OutboxEvent[]>(
      `SELECT id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt"
         FROM domain_event WHERE type = ANY($1) ORDER BY id`,
      [WEBHOOK_SOURCE_EVENTS.map((source) => source.type)],
    );
    const builder = app.t.get(PublicEventBuilder);
    const ids = new Set<string>();
    for (const event of events) {
      const publicEvents = await builder.build(event);
      expect(await builder.build(event)).toEqual(publicEvents); // built again: same ids, same bodies
      for (const made of publicEvents) {
        expect(ids.has(made.id)).toBe(false);
        ids.add(made.id);
        built.set(made.type, [...(built.get(made.type) ?? []), made]);
      }
    }
    built.set('webhook.test', [
      webhookTestEvent({ organizationId: app.organization.id, webhookEndpointId: '01900000-0000-7000-8000-0000000000ff' }),
    ]);
    for (const entry of WEBHOOK_EVENT_TYPES) {
      const made = built.get(entry.type);
      expect({ type: entry.type, built: (made?.length ?? 0) > 0 }).toEqual({ type: entry.type, built: true });
      for (const event of made!) {
        expect(event.organizationId).toBe(app.organization.id);
        expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
        // Nothing of this workflow is deleted, so every object is there, with exactly the example's fields.
        const expected = shapeOf(entry.example) as Record<string, unknown>;
        const actual = shapeOf(event) as Record<string, unknown>;
        expect({ type: entry.type, shape: actual }).toEqual({ type: entry.type, shape: expected });
      }
    }
    const accepted = built.get('invitation.accepted')![0];
    const invalidated = built.get('invitation.invalidated')!;
    expect(invalidated.map((e) => (e.data.invitation as { email: string }).email)).toEqual(['second@example.test']);
    expect((accepted.data.user as { firstName: string }).firstName).toBe('Fay');
    expect(built.get('message.failed')![0].data.message).toMatchObject({ recipient: REJECTED, status: 'FAILED' });
  });

  it('puts no secret in any public event', async () => {
    const json = JSON.stringify([...built.values()].flat());
    for (const secret of secrets) expect(json).not.toContain(secret);
    for (const word of ['password', 'token', 'hash', 'sealed', '/invitations/', '/join', 'whsec_', '$argon2', 'Welcome aboard', 'vip']) {
      expect({ word, found: json.toLowerCase().includes(word.toLowerCase()) }).toEqual({ word, found: false });
    }
    // Nothing that looks like a 128-bit token (base64url or hex) outside ids.
    const withoutIds = json.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
    expect(withoutIds).not.toMatch(/[A-Za-z0-9_-]{22,}/);
  });

  it('serves the catalog to signed-in callers only', async () => {
    const QUERY = `{ webhookEventTypes { type version description example } }`;
    const { webhookEventTypes } = await app.admin.client.ok(QUERY);
    expect(webhookEventTypes.map((entry: { type: string }) => entry.type)).toEqual(WEBHOOK_EVENT_TYPES.map((entry) => entry.type));
    expect(JSON.parse(webhookEventTypes[0].example)).toEqual(WEBHOOK_EVENT_TYPES[0].example);
    expect((await app.t.client.fails(QUERY)).code).toBe('UNAUTHENTICATED');
  });
});

describe('docs/webhooks.md', () => {
  it('lists every type with its example as the catalog has it, and shows the receiver as it is run', () => {
    const docs = readFileSync(join(__dirname, '..', 'docs', 'webhooks.md'), 'utf8');
    for (const entry of WEBHOOK_EVENT_TYPES) {
      expect(docs).toMatch(new RegExp(`^\\| \`${entry.type.replace('.', '\\.')}\` +\\|`, 'm'));
      expect(docs).toContain(JSON.stringify(entry.example, null, 2));
    }
    expect(docs).toContain('```js\n' + readFileSync(RECEIVER, 'utf8') + '```');
  });
});

describe('the documented webhook receiver (docs/examples/webhook-receiver.mjs)', () => {
  let receiver: ChildProcess;
  let url: string;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    receiver = spawn(process.execPath, [RECEIVER], {
      env: { PATH: process.env.PATH, WEBHOOK_SECRET: secret, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    await eventually(() => fetch(url, { method: 'POST' }).then(() => true), { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => receiver.once('exit', resolve));
    receiver.kill();
    await exited;
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((response) => response.status);

  it('answers 204 to a delivery signed with the secret, and 400 to a forged, stale or unsigned one', async () => {
    const event = WEBHOOK_EVENT_TYPES[0].example;
    const body = JSON.stringify(event);
    const now = Math.floor(Date.now() / 1000);
    const signed = (at: number, key = secret, payload = body) => ({
      'webhook-id': event.id,
      'webhook-timestamp': String(at),
      'webhook-signature': signWebhook([key], event.id, at, payload),
    });
    expect(await post(signed(now), body)).toBe(204);
    // Rotation: the old and the new signature side by side; either verifies.
    expect(
      await post(
        {
          ...signed(now),
          'webhook-signature': `${signed(now, newWebhookSecret())['webhook-signature']} ${signed(now)['webhook-signature']}`,
        },
        body,
      ),
    ).toBe(204);
    expect(await post(signed(now, newWebhookSecret()), body)).toBe(400);
    expect(await post(signed(now), body.replace('"CODE"', '"ASSIGNMENT"'))).toBe(400);
    expect(await post(signed(now - 3600), body)).toBe(400);
    expect(await post({}, body)).toBe(400);
  });
});
