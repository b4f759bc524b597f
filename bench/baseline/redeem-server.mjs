// The redeem scenario's baseline: the smallest server that does what `redeemCode` must do, for the
// same request over HTTP. node:http, graphql-js (parsed and validated once per query text, as
// Apollo's document cache does) and one pg pool of 20, as Tessera's. Per request: the bearer
// token's HS256 signature and expiry checked with node:crypto and its person looked up, then one
// transaction with what Tessera writes for a redemption (see redemption.service.ts): the guarded
// UPDATE of the code (with its price, product and organisation read in the same statement), the
// membership (ON CONFLICT DO NOTHING), the grant (the unique index settles a second grant for
// the same product), the confirmation mail row, and the domain events (MemberAdded when the
// membership is new, CodeRedeemed, MessageQueued). Not done here: the rate limiter's bookkeeping
// and the outbox relay and the mail itself after the commit (nothing consumes these events, so
// they are written already relayed).
//
// Env: DATABASE_URL, PORT, AUTH_TOKEN_SECRET. Prints "listening" on stdout once it accepts requests.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { buildSchema, execute, GraphQLError, parse, validate } from 'graphql';
import pg from 'pg';

const { DATABASE_URL, PORT, AUTH_TOKEN_SECRET } = process.env;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
const DAY_MS = 86_400_000;

const schema = buildSchema(`
  type AccessGrant { id: ID! status: String! startsAt: String! endsAt: String }
  type RedeemCodePayload { grant: AccessGrant! }
  input RedeemCodeInput { code: String! }
  type Query { ok: Boolean }
  type Mutation { redeemCode(input: RedeemCodeInput!): RedeemCodePayload! }
`);

/** UUIDv7, as Tessera makes its ids: 48 bits of milliseconds, version, random bits, variant. */
function uuidv7() {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function error(message, code, extra = {}) {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** The person of a bearer token (HS256 JWT: signature, expiry, and the account still there). */
async function authenticate(header) {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return null;
  const expected = createHmac('sha256', AUTH_TOKEN_SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  const signature = Buffer.from(parts[2], 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
  const { rows } = await pool.query('SELECT id, email, first_name, last_name FROM user_account WHERE id = $1', [claims.sub]);
  return rows[0] ?? null;
}

const TAKE = `
  WITH taken AS (
    UPDATE code SET status = 'REDEEMED', updated_at = now()
     WHERE code = $1 AND status = 'AVAILABLE' AND (expires_at IS NULL OR expires_at > now())
       AND (contract_id IS NULL OR EXISTS (
         SELECT 1 FROM contract c WHERE c.id = code.contract_id AND c.status = 'ACTIVE'
            AND (c.starts_at IS NULL OR c.starts_at <= now()) AND (c.ends_at IS NULL OR c.ends_at > now())))
    RETURNING id, organization_id, price_id, code_type)
  SELECT taken.id, taken.organization_id, taken.price_id, taken.code_type, price.product_id, price.access_days,
         price.access_starts_at, price.access_ends_at, product.name AS product_name, organization.name AS organization_name
    FROM taken
    JOIN organization ON organization.id = taken.organization_id
    LEFT JOIN price ON price.id = taken.price_id
    LEFT JOIN product ON product.id = price.product_id`;

async function redeemCode({ input }, person) {
  if (!person) throw error('Sign in first.', 'UNAUTHENTICATED');
  const canonical = input.code
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\u00a0\u3000\-\u2010\u2011\u2013\u2014]/g, '');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const code = (await client.query(TAKE, [canonical])).rows[0];
    if (!code) {
      await client.query('ROLLBACK');
      const found = (await client.query('SELECT status FROM code WHERE code = $1', [canonical])).rows[0];
      throw found ? error('The code cannot be used.', 'CONFLICT', { reason: found.status }) : error('No such code.', 'NOT_FOUND');
    }
    const now = new Date();
    const fixed = code.access_starts_at && code.access_ends_at;
    const startsAt = fixed && code.access_starts_at > now ? code.access_starts_at : now;
    const endsAt = fixed ? code.access_ends_at : code.access_days ? new Date(now.getTime() + code.access_days * DAY_MS) : null;
    const membershipId = uuidv7();
    const membership = await client.query(
      `INSERT INTO membership (id, organization_id, user_id, role) VALUES ($1, $2, $3, 'MEMBER') ON CONFLICT DO NOTHING RETURNING id`,
      [membershipId, code.organization_id, person.id],
    );
    const grantId = uuidv7();
    try {
      await client.query(
        `INSERT INTO access_grant (id, organization_id, user_id, code_id, product_id, price_id, role, status, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $9)`,
        [grantId, code.organization_id, person.id, code.id, code.product_id, code.price_id, code.code_type, startsAt, endsAt],
      );
    } catch (cause) {
      if (cause.code === '23505') throw error(`This person already has access to ${code.product_name}.`, 'CONFLICT');
      throw cause;
    }
    const messageId = uuidv7();
    await client.query(
      `INSERT INTO message (id, organization_id, kind, recipient, status, data, code_id, grant_id)
       VALUES ($1, $2, 'REGISTRATION_CONFIRMED', $3, 'QUEUED', $4, $5, $6)`,
      [
        messageId,
        code.organization_id,
        person.email,
        {
          recipient: { firstName: person.first_name, lastName: person.last_name, email: person.email },
          organization: { name: code.organization_name },
          product: { name: code.product_name ?? '' },
          accessEndsAt: endsAt ? endsAt.toISOString().slice(0, 10) : null,
          signInUrl: 'http://localhost:3000/sign-in',
        },
        code.id,
        grantId,
      ],
    );
    const events = [
      ...(membership.rows.length ? [['MemberAdded', { membershipId, userId: person.id, role: 'MEMBER' }, person.id]] : []),
      [
        'CodeRedeemed',
        {
          codeId: code.id,
          grantId,
          userId: person.id,
          productId: code.product_id,
          priceId: code.price_id,
          channel: 'CODE',
          invitationId: null,
        },
        person.id,
      ],
      ['MessageQueued', { messageId }, null],
    ];
    await client.query(
      `INSERT INTO domain_event (id, type, organization_id, actor_id, payload, occurred_at, relayed_at)
       SELECT id, type, $1, actor_id, payload, $2, $2 FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::jsonb[]) AS e(id, type, actor_id, payload)`,
      [
        code.organization_id,
        now,
        events.map(() => uuidv7()),
        events.map(([type]) => type),
        events.map(([, , actor]) => actor),
        events.map(([, payload]) => JSON.stringify(payload)),
      ],
    );
    await client.query('COMMIT');
    return { grant: { id: grantId, status: 'ACTIVE', startsAt: startsAt.toISOString(), endsAt: endsAt?.toISOString() ?? null } };
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw cause;
  } finally {
    client.release();
  }
}

const documents = new Map();

function documentOf(query) {
  let document = documents.get(query);
  if (!document) {
    document = parse(query);
    const errors = validate(schema, document);
    if (errors.length) return { errors };
    documents.set(query, document);
  }
  return { document };
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    let result;
    try {
      if (req.method !== 'POST' || req.url !== '/graphql') {
        res.writeHead(404).end();
        return;
      }
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { document, errors } = documentOf(query);
      if (errors) result = { errors };
      else {
        const person = await authenticate(req.headers.authorization);
        result = await execute({ schema, document, variableValues: variables, rootValue: { redeemCode }, contextValue: person });
      }
    } catch (cause) {
      result = { errors: [{ message: String(cause?.message ?? cause) }] };
    }
    const body = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});

server.listen(Number(PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  pool.end().finally(() => process.exit(0));
});
