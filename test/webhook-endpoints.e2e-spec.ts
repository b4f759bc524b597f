import { newId, SecretBox } from '@tessera/common';
import { Fixtures, Person, TestApp } from '@tessera/testing';
import { Socket } from 'node:net';
import { OPERATOR } from '../src/identity/auth/actor';
import { Organization } from '../src/identity/entities/organization.entity';
import { WebhookEndpointsService } from '../src/webhooks/webhook-endpoints.service';

const FIELDS = `id organizationId url description eventTypes enabled disabledReason previousSecretExpiresAt failingSince createdById createdAt updatedAt`;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { ${FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { webhookEndpoint { ${FIELDS} } } }`;
const DISABLE = `mutation($id: UUID!) { disableWebhookEndpoint(input: { webhookEndpointId: $id }) { webhookEndpoint { ${FIELDS} } } }`;
const ENABLE = `mutation($id: UUID!) { enableWebhookEndpoint(input: { webhookEndpointId: $id }) { webhookEndpoint { ${FIELDS} } } }`;
const DELETE = `mutation($id: UUID!) { deleteWebhookEndpoint(input: { webhookEndpointId: $id }) { deletedWebhookEndpointId } }`;
const ROTATE = `mutation($id: UUID!) { rotateWebhookSecret(input: { webhookEndpointId: $id }) { secret webhookEndpoint { ${FIELDS} } } }`;
const GET = `query($id: UUID!) { webhookEndpoint(id: $id) { ${FIELDS} } }`;
const LIST = `query($id: UUID, $after: String) { webhookEndpoints(organizationId: $id, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id url } } } }`;
const DELIVERIES = `query($id: UUID!, $status: [WebhookDeliveryStatus!], $after: String) {
  webhookDeliveries(webhookEndpointId: $id, status: $status, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id eventId eventType status attemptCount nextAttemptAt lastStatusCode lastError deliveredAt createdAt payload
      attempts(first: 2) { attemptedAt statusCode durationMs error responseExcerpt } } }
  }
}`;

// The TestApp's AUTH_TOKEN_SECRET: the key the secrets are sealed under.
const sealer = new SecretBox('test-secret-that-is-long-enough-for-hs256', 'webhook-secret');
const SECRET = /^whsec_([A-Za-z0-9+/]{43}=)$/;
// Nothing listens on the discard port of loopback; endpoints here are never sent to anything else.
const RECEIVER = 'http://127.0.0.1:9/hooks';

type Fields = { field: string; message: string }[];
const fieldsOf = (error: { extensions?: Record<string, unknown> }) => error.extensions?.fields as Fields;

describe('webhook endpoints: set up, change, rotate, delete, and read the delivery log', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    // Private targets allowed: the endpoints here point at loopback, where no receiver listens.
    t = await TestApp.create({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization());
  });
  afterAll(() => t.close());

  const create = (client: Person['client'], input: Record<string, unknown>) => client.ok(CREATE, { input });
  const eventsOf = (type: string, id: string) =>
    t.dataSource.query(
      `SELECT organization_id, actor_id, payload FROM domain_event WHERE type = $1 AND payload->>'webhookEndpointId' = $2`,
      [type, id],
    );

  it('shows a Standard Webhooks secret once and stores it only sealed; the audit log keeps no secret or query string', async () => {
    const { createWebhookEndpoint } = await create(admin.client, {
      organizationId: organization.id,
      url: `${RECEIVER}?token=receiver-own-token`,
      eventTypes: ['code.redeemed', 'code.redeemed'],
      description: '  Storefront order sync  ',
    });
    const { secret, webhookEndpoint } = createWebhookEndpoint;
    expect(secret).toMatch(SECRET);
    expect(Buffer.from(SECRET.exec(secret)![1], 'base64')).toHaveLength(32);
    expect(webhookEndpoint).toMatchObject({
      organizationId: organization.id,
      url: `${RECEIVER}?token=receiver-own-token`,
      description: 'Storefront order sync',
      eventTypes: ['code.redeemed'],
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      failingSince: null,
      createdById: admin.user.id,
    });

    const [row] = await t.dataSource.query(`SELECT * FROM webhook_endpoint WHERE id = $1`, [webhookEndpoint.id]);
    const key = SECRET.exec(secret)![1];
    expect(JSON.stringify(row)).not.toContain(key);
    expect(JSON.stringify(row)).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(sealer.open(row.secret_sealed)).toBe(secret);
    expect(row.previous_secret_sealed).toBeNull();

    const [event] = await eventsOf('WebhookEndpointCreated', webhookEndpoint.id);
    expect(event).toEqual({
      organization_id: organization.id,
      actor_id: admin.user.id,
      payload: { webhookEndpointId: webhookEndpoint.id, url: RECEIVER, eventTypes: ['code.redeemed'], enabled: true },
    });
    const audit = JSON.stringify(await t.dataSource.query(`SELECT payload FROM domain_event`));
    expect(audit).not.toContain(key);
    expect(audit).not.toContain('receiver-own-token');

    const fetched = await admin.client.ok(GET, { id: webhookEndpoint.id });
    expect(fetched.webhookEndpoint).toEqual(webhookEndpoint);
  });

  it('lists an organisation’s endpoints newest first, page by page, without secrets', async () => {
    const { organization: own, admin: ownAdmin } = await fixtures.organization();
    const made: { id: string; secret: string }[] = [];
    for (const path of ['a', 'b', 'c']) {
      const { createWebhookEndpoint } = await create(ownAdmin.client, { organizationId: own.id, url: `${RECEIVER}/${path}` });
      made.push({ id: createWebhookEndpoint.webhookEndpoint.id, secret: createWebhookEndpoint.secret });
    }
    const first = await ownAdmin.client.ok(LIST, { id: own.id });
    expect(first.webhookEndpoints.totalCount).toBe(3);
    expect(first.webhookEndpoints.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([made[2].id, made[1].id]);
    expect(first.webhookEndpoints.pageInfo.hasNextPage).toBe(true);
    const second = await ownAdmin.client.ok(LIST, { id: own.id, after: first.webhookEndpoints.pageInfo.endCursor });
    expect(second.webhookEndpoints.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([made[0].id]);
    const schemaText = JSON.stringify(await ownAdmin.client.request(`{ __type(name: "WebhookEndpoint") { fields { name } } }`));
    expect(schemaText).not.toMatch(/secretSealed|previousSecretSealed/);
    for (const { secret } of made) expect(JSON.stringify([first, second])).not.toContain(secret);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown event type, named', { eventTypes: ['code.redeemed', 'code.stolen', 'x'] }, 'eventTypes', /code\.stolen.*"x"/],
    ['a URL that is not one', { url: 'not a url' }, 'url', /absolute URL/],
    ['a scheme other than http(s)', { url: 'ftp://127.0.0.1/hooks' }, 'url', /https:\/\//],
    ['credentials in the URL', { url: 'http://user:pass@127.0.0.1:9/hooks' }, 'url', /user names and passwords/],
    ['a URL over 2000 characters', { url: `${RECEIVER}/${'a'.repeat(2000)}` }, 'url', /at most 2000/],
    ['a description over 500 characters', { description: 'd'.repeat(501) }, 'description', /at most 500/],
    ['a text-direction override in the description', { description: 'Shop \u202Eevil' }, 'description', /U\+202E/],
    ['a line break in the description', { description: 'one\ntwo' }, 'description', /line breaks/],
  ])('refuses %s with BAD_USER_INPUT and stores nothing', async (_, change, field, message) => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_endpoint`);
    const error = await admin.client.fails(CREATE, { input: { organizationId: organization.id, url: RECEIVER, ...change } });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_endpoint`)).toEqual(before);
  });

  it('changes the address, event types and description, recording what changed; the same values again change nothing', async () => {
    const { createWebhookEndpoint } = await create(admin.client, { organizationId: organization.id, url: RECEIVER });
    const id = createWebhookEndpoint.webhookEndpoint.id;
    const { updateWebhookEndpoint } = await admin.client.ok(UPDATE, {
      input: { webhookEndpointId: id, url: 'http://[::1]:9/new#frag', eventTypes: ['code.redeemed', 'access.revoked'], description: 'CRM' },
    });
    expect(updateWebhookEndpoint.webhookEndpoint).toMatchObject({
      url: 'http://[::1]:9/new#frag',
      eventTypes: ['code.redeemed', 'access.revoked'],
      description: 'CRM',
    });
    expect(new Date(updateWebhookEndpoint.webhookEndpoint.updatedAt).getTime()).toBeGreaterThan(
      new Date(createWebhookEndpoint.webhookEndpoint.updatedAt).getTime(),
    );
    const events = await eventsOf('WebhookEndpointUpdated', id);
    expect(events.map((e: { payload: unknown }) => e.payload)).toEqual([
      {
        webhookEndpointId: id,
        changed: ['eventTypes', 'description', 'url'],
        url: 'http://[::1]:9/new',
        eventTypes: ['code.redeemed', 'access.revoked'],
        enabled: true,
      },
    ]);

    await admin.client.ok(UPDATE, { input: { webhookEndpointId: id, description: 'CRM' } });
    expect(await eventsOf('WebhookEndpointUpdated', id)).toHaveLength(1);
    const cleared = await admin.client.ok(UPDATE, { input: { webhookEndpointId: id, eventTypes: [], description: '' } });
    expect(cleared.updateWebhookEndpoint.webhookEndpoint).toMatchObject({ eventTypes: [], description: '' });

    const refused = await admin.client.fails(UPDATE, { input: { webhookEndpointId: id, eventTypes: ['nope'] } });
    expect(fieldsOf(refused)).toEqual([{ field: 'eventTypes', message: expect.stringContaining('"nope"') }]);
  });

  it('disables and enables an endpoint; enabling clears why it was off and since when it failed', async () => {
    const { createWebhookEndpoint } = await create(admin.client, { organizationId: organization.id, url: RECEIVER });
    const id = createWebhookEndpoint.webhookEndpoint.id;
    const { disableWebhookEndpoint } = await admin.client.ok(DISABLE, { id });
    expect(disableWebhookEndpoint.webhookEndpoint).toMatchObject({ enabled: false, disabledReason: 'ADMIN' });
    const { enableWebhookEndpoint } = await admin.client.ok(ENABLE, { id });
    expect(enableWebhookEndpoint.webhookEndpoint).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });

    // As the delivery side leaves an endpoint that failed for days.
    await t.dataSource.query(
      `UPDATE webhook_endpoint SET enabled = false, disabled_reason = 'FAILING', failing_since = now() - interval '6 days' WHERE id = $1`,
      [id],
    );
    expect((await admin.client.ok(GET, { id })).webhookEndpoint).toMatchObject({ enabled: false, disabledReason: 'FAILING' });
    const again = await admin.client.ok(ENABLE, { id });
    expect(again.enableWebhookEndpoint.webhookEndpoint).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    const changes = (await eventsOf('WebhookEndpointUpdated', id)).map((e: { payload: { changed: string[]; enabled: boolean } }) => [
      e.payload.changed,
      e.payload.enabled,
    ]);
    expect(changes).toEqual(
      expect.arrayContaining([
        [['enabled'], false],
        [['enabled'], true],
      ]),
    );
    expect(changes).toHaveLength(3);
  });

  it('rotates the secret: a new one shown once, the old one kept sealed for 24 hours', async () => {
    const { createWebhookEndpoint } = await create(admin.client, { organizationId: organization.id, url: RECEIVER });
    const { id } = createWebhookEndpoint.webhookEndpoint;
    const { rotateWebhookSecret } = await admin.client.ok(ROTATE, { id });
    expect(rotateWebhookSecret.secret).toMatch(SECRET);
    expect(rotateWebhookSecret.secret).not.toBe(createWebhookEndpoint.secret);
    const expiresAt = new Date(rotateWebhookSecret.webhookEndpoint.previousSecretExpiresAt).getTime();
    expect(Math.abs(expiresAt - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);

    const [row] = await t.dataSource.query(`SELECT secret_sealed, previous_secret_sealed FROM webhook_endpoint WHERE id = $1`, [id]);
    expect(sealer.open(row.secret_sealed)).toBe(rotateWebhookSecret.secret);
    expect(sealer.open(row.previous_secret_sealed)).toBe(createWebhookEndpoint.secret);
    const [event] = await eventsOf('WebhookEndpointSecretRotated', id);
    expect(event.payload).toEqual({ webhookEndpointId: id, previousSecretExpiresAt: new Date(expiresAt).toISOString() });
    expect(JSON.stringify(event)).not.toContain(rotateWebhookSecret.secret.slice(6));
  });

  /** A delivery as the delivery side records it, with its attempts (oldest first). */
  async function delivery(endpointId: string, status: string, attempts: { statusCode: number | null; error?: string }[]): Promise<string> {
    const id = newId();
    const eventId = newId();
    await t.dataSource.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, organization_id, payload, status, attempt_count, last_status_code)
       VALUES ($1, $2, $3, 'code.redeemed', $4, $5, $6, $7, $8)`,
      [
        id,
        endpointId,
        eventId,
        organization.id,
        JSON.stringify({
          id: eventId,
          type: 'code.redeemed',
          occurredAt: '2026-03-02T09:30:00.000Z',
          organizationId: organization.id,
          data: {},
        }),
        status,
        attempts.length,
        attempts.at(-1)?.statusCode ?? null,
      ],
    );
    for (const [n, attempt] of attempts.entries()) {
      await t.dataSource.query(
        `INSERT INTO webhook_attempt (id, delivery_id, attempted_at, status_code, duration_ms, error, response_excerpt)
         VALUES ($1, $2, now() - make_interval(mins => $3), $4, $5, $6, $7)`,
        [newId(), id, attempts.length - n, attempt.statusCode, 10 + n, attempt.error ?? null, attempt.statusCode ? `answer ${n}` : null],
      );
    }
    return id;
  }

  it('reads the delivery log newest first, by status, with each delivery’s newest attempts in one query for the page', async () => {
    const { createWebhookEndpoint } = await create(admin.client, { organizationId: organization.id, url: RECEIVER });
    const { id } = createWebhookEndpoint.webhookEndpoint;
    const failed = await delivery(id, 'FAILED', [{ statusCode: 500 }, { statusCode: null, error: 'timed out' }, { statusCode: 503 }]);
    const delivered = await delivery(id, 'DELIVERED', [{ statusCode: 500 }, { statusCode: 200 }]);
    const pending = await delivery(id, 'PENDING', []);

    const attemptsOf = jest.spyOn(t.get(WebhookEndpointsService), 'attemptsOf');
    const page = await admin.client.ok(DELIVERIES, { id });
    expect(attemptsOf).toHaveBeenCalledTimes(1);
    attemptsOf.mockRestore();
    const { webhookDeliveries } = page;
    expect(webhookDeliveries.totalCount).toBe(3);
    expect(webhookDeliveries.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([pending, delivered]);
    const [pendingNode, deliveredNode] = webhookDeliveries.edges.map((e: { node: unknown }) => e.node);
    expect(pendingNode).toMatchObject({ status: 'PENDING', attemptCount: 0, attempts: [] });
    expect(JSON.parse(pendingNode.payload)).toMatchObject({ type: 'code.redeemed', organizationId: organization.id });
    expect(deliveredNode.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 500]);

    const next = await admin.client.ok(DELIVERIES, { id, after: webhookDeliveries.pageInfo.endCursor });
    const [failedNode] = next.webhookDeliveries.edges.map((e: { node: unknown }) => e.node);
    expect(failedNode).toMatchObject({ id: failed, status: 'FAILED', attemptCount: 3, lastStatusCode: 503 });
    expect(failedNode.attempts).toEqual([
      expect.objectContaining({ statusCode: 503, error: null, responseExcerpt: 'answer 2', durationMs: 12 }),
      expect.objectContaining({ statusCode: null, error: 'timed out', responseExcerpt: null, durationMs: 11 }),
    ]);

    const onlyFailed = await admin.client.ok(DELIVERIES, { id, status: ['FAILED', 'PENDING'] });
    expect(onlyFailed.webhookDeliveries.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([pending, failed]);
    const tooMany = await admin.client.fails(
      `query($id: UUID!) { webhookDeliveries(webhookEndpointId: $id) { edges { node { attempts(first: 101) { statusCode } } } } }`,
      { id },
    );
    expect(tooMany.code).toBe('BAD_USER_INPUT');
  });

  it('deletes an endpoint with its delivery log', async () => {
    const { createWebhookEndpoint } = await create(admin.client, { organizationId: organization.id, url: RECEIVER });
    const { id } = createWebhookEndpoint.webhookEndpoint;
    const deliveryId = await delivery(id, 'DELIVERED', [{ statusCode: 204 }]);
    const { deleteWebhookEndpoint } = await admin.client.ok(DELETE, { id });
    expect(deleteWebhookEndpoint.deletedWebhookEndpointId).toBe(id);
    expect((await admin.client.fails(GET, { id })).code).toBe('NOT_FOUND');
    expect((await admin.client.fails(DELETE, { id })).code).toBe('NOT_FOUND');
    const left = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM webhook_delivery WHERE id = $1)::int AS deliveries, (SELECT count(*) FROM webhook_attempt WHERE delivery_id = $1)::int AS attempts`,
      [deliveryId],
    );
    expect(left).toEqual([{ deliveries: 0, attempts: 0 }]);
    const [event] = await eventsOf('WebhookEndpointDeleted', id);
    expect(event).toMatchObject({ organization_id: organization.id, payload: { webhookEndpointId: id, url: RECEIVER } });
  });

  describe('who may do what', () => {
    let endpointId: string;
    let other: { organization: Organization; admin: Person };
    let member: Person;
    let ownKey: string;
    let otherKey: string;

    beforeAll(async () => {
      // Only webhook.test, which nothing here sends: the member and keys made below publish events an
      // endpoint taking every type would get, and the failed attempt (nothing listens on RECEIVER)
      // would set its failing_since while a test compares the row before and after a refused call.
      const { createWebhookEndpoint } = await create(admin.client, {
        organizationId: organization.id,
        url: RECEIVER,
        eventTypes: ['webhook.test'],
      });
      endpointId = createWebhookEndpoint.webhookEndpoint.id;
      await delivery(endpointId, 'DELIVERED', [{ statusCode: 200 }]);
      other = await fixtures.organization();
      member = (await fixtures.member(organization)).person;
      const key = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
      ownKey = (await admin.client.ok(key, { input: { organizationId: organization.id, name: 'Storefront' } })).createApiKey.secret;
      otherKey = (await other.admin.client.ok(key, { input: { organizationId: other.organization.id, name: 'Theirs' } })).createApiKey
        .secret;
    });

    const operations: [string, (id: string) => [string, Record<string, unknown>]][] = [
      ['see it', (id) => [GET, { id }]],
      ['read its deliveries', (id) => [DELIVERIES, { id }]],
      ['change it', (id) => [UPDATE, { input: { webhookEndpointId: id, url: 'http://127.0.0.1:9/stolen' } }]],
      ['disable it', (id) => [DISABLE, { id }]],
      ['enable it', (id) => [ENABLE, { id }]],
      ['rotate its secret', (id) => [ROTATE, { id }]],
      ['delete it', (id) => [DELETE, { id }]],
    ];
    const callers: [string, () => Person['client']][] = [
      ['another organisation’s admin', () => other.admin.client],
      ['another organisation’s API key', () => t.client.as(otherKey)],
      ['a member who is no admin', () => member.client],
    ];

    it.each(callers.flatMap(([caller, client]) => operations.map(([what, build]) => [caller, what, client, build] as const)))(
      '%s cannot %s (FORBIDDEN), and the endpoint stays as it was',
      async (_caller, _what, client, build) => {
        const before = await t.dataSource.query(`SELECT * FROM webhook_endpoint WHERE id = $1`, [endpointId]);
        const [query, variables] = build(endpointId);
        expect((await client().fails(query, variables)).code).toBe('FORBIDDEN');
        expect(await t.dataSource.query(`SELECT * FROM webhook_endpoint WHERE id = $1`, [endpointId])).toEqual(before);
      },
    );

    it.each(callers)('%s can neither list the organisation’s endpoints nor create one for it', async (_, client) => {
      expect((await client().fails(LIST, { id: organization.id })).code).toBe('FORBIDDEN');
      expect((await client().fails(CREATE, { input: { organizationId: organization.id, url: RECEIVER } })).code).toBe('FORBIDDEN');
    });

    it('lets the organisation’s own API key set up and manage its endpoints', async () => {
      const key = t.client.as(ownKey);
      const { createWebhookEndpoint } = await key.ok(CREATE, { input: { organizationId: organization.id, url: `${RECEIVER}/storefront` } });
      expect(createWebhookEndpoint.webhookEndpoint.createdById).toBeNull();
      await key.ok(ROTATE, { id: createWebhookEndpoint.webhookEndpoint.id });
      const listed = await key.ok(LIST, { id: organization.id });
      expect(listed.webhookEndpoints.totalCount).toBeGreaterThan(1);
      await key.ok(DELETE, { id: createWebhookEndpoint.webhookEndpoint.id });
    });

    it('an unknown endpoint or organisation is NOT_FOUND', async () => {
      const missing = newId();
      expect((await admin.client.fails(GET, { id: missing })).code).toBe('NOT_FOUND');
      expect((await admin.client.fails(DELIVERIES, { id: missing })).code).toBe('NOT_FOUND');
      expect((await admin.client.fails(LIST, { id: missing })).code).toBe('NOT_FOUND');
    });

    it('keeps platform endpoints (every organisation’s events) to platform admins', async () => {
      const platformAdmin = await fixtures.platformAdmin();
      const { createWebhookEndpoint } = await create(platformAdmin.client, { url: `${RECEIVER}/platform`, eventTypes: ['code.redeemed'] });
      const platformId = createWebhookEndpoint.webhookEndpoint.id;
      expect(createWebhookEndpoint.webhookEndpoint.organizationId).toBeNull();
      const listed = await platformAdmin.client.ok(LIST, {});
      expect(listed.webhookEndpoints.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([platformId]);
      // Platform admins manage organisations' endpoints too.
      expect((await platformAdmin.client.ok(GET, { id: endpointId })).webhookEndpoint.id).toBe(endpointId);
      const [event] = await eventsOf('WebhookEndpointCreated', platformId);
      expect(event.organization_id).toBeNull();

      for (const client of [admin.client, t.client.as(ownKey), member.client]) {
        expect((await client.fails(CREATE, { input: { url: RECEIVER } })).code).toBe('FORBIDDEN');
        expect((await client.fails(LIST, {})).code).toBe('FORBIDDEN');
        for (const [, build] of operations) {
          const [query, variables] = build(platformId);
          expect((await client.fails(query, variables)).code).toBe('FORBIDDEN');
        }
      }
      expect((await platformAdmin.client.ok(DELETE, { id: platformId })).deleteWebhookEndpoint.deletedWebhookEndpointId).toBe(platformId);
    });
  });
});

describe('webhook endpoints in production: HTTPS only, and never an internal address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => t.close());

  const refused = async (url: string) => {
    const error = await t
      .get(WebhookEndpointsService)
      .create(OPERATOR, { url })
      .then(
        () => null,
        (e: { fields?: Fields }) => e,
      );
    return error?.fields;
  };

  it('refuses http:// in production', async () => {
    expect(await refused('http://127.0.0.1:9/hooks')).toEqual([{ field: 'url', message: 'Use an https:// URL.' }]);
  });

  it.each([
    'https://127.0.0.1/hooks',
    'https://10.0.0.1/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
  ])('refuses %s without opening a connection (WEBHOOK_ALLOW_PRIVATE_TARGETS off)', async (url) => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    try {
      expect(await refused(url)).toEqual([{ field: 'url', message: expect.stringMatching(/internal addresses/) }]);
      // Only the app's own database and Redis connections may open meanwhile: none to port 443.
      expect(connect.mock.calls.filter((args) => (args[0] as unknown) === 443 || /"port":"?443\b/.test(JSON.stringify(args)))).toEqual([]);
    } finally {
      connect.mockRestore();
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_endpoint`);
    expect(n).toBe(0);
  });
});
