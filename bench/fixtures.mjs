// Data the redemption scenarios (redeem, webhooks) share: the demo organisation, people who sign in,
// codes laid out so that every redemption of the load is valid, and that load
// (bench/load/redeem-load.mjs), run from a second process.
import { hash } from '@node-rs/argon2';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gql } from './lib.mjs';

/** Digits after a run's prefix in its codes: `RB00000000`. */
const CODE_WIDTH = 8;

/** The demo organisation's id; the demo seed makes it shortly after the API starts. */
export async function demoOrganization(db) {
  for (let i = 0; ; i++) {
    const row = (await db.query(`SELECT id FROM organization WHERE slug = 'demo-mentoring'`)).rows[0];
    if (row) return row.id;
    if (i > 100) throw new Error('The demo organisation did not appear');
    await sleep(200);
  }
}

/** Time-ordered ids made in SQL, as the application's UUIDv7 are: bulk rows keep the indexes as compact. */
async function defineBenchV7(db) {
  await db.query(`CREATE OR REPLACE FUNCTION pg_temp.bench_v7(ms bigint) RETURNS uuid LANGUAGE sql AS
    $$ SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid $$`);
}

/** `count` accounts `${name}0@bench.test`… with one password; the answer is what signIn takes. */
export async function makePeople(db, { name, count, password }) {
  const passwordHash = await hash(password);
  await defineBenchV7(db);
  await db.query(
    `INSERT INTO user_account (id, email, first_name, last_name, password_hash)
     SELECT pg_temp.bench_v7((extract(epoch FROM now()) * 1000)::bigint + i), $3::text || i || '@bench.test', $4, 'Number ' || i, $1
       FROM generate_series(0, $2 - 1) i`,
    [passwordHash, count, name, name[0].toUpperCase() + name.slice(1)],
  );
  return { name, count, password };
}

/** Bearer tokens of the people makePeople made, signed in through the API (argon2: a few at a time). */
export async function signIn(url, { name, count, password }) {
  const tokens = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const result = await gql(
        url,
        null,
        `mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }`,
        { email: `${name}${i}@bench.test`, password },
      );
      tokens[i] = result.data?.login?.accessToken;
      if (!tokens[i]) throw new Error(`Sign-in of ${name}${i} failed: ${JSON.stringify(result.errors)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return tokens;
}

/** Code k of a run: `${prefix}0000000k`. */
export const codeOf = (prefix, k) => `${prefix}${String(k).padStart(CODE_WIDTH, '0')}`;

/**
 * A run's codes codeOf(prefix, 0)… of products of its own (one price of 365 days and one batch
 * each): code k is of product floor(k / people) and is redeemed by person k % people (as the load
 * does), so no code is used twice and nobody gets a second grant for a product (one grant in force
 * per person, product and role is a unique index).
 */
export async function makeCodes(db, organizationId, { prefix, count, people }) {
  const products = Math.ceil(count / people);
  const key = (kind, j) => `md5('bench-${prefix}-${kind}-' || ${j})::uuid`;
  await defineBenchV7(db);
  await db.query(
    `INSERT INTO product (id, owner_organization_id, name) SELECT ${key('product', 'j')}, $1, 'Bench ${prefix} ' || j FROM generate_series(0, $2 - 1) j`,
    [organizationId, products],
  );
  await db.query(
    `INSERT INTO price (id, product_id, price_code, name, access_days)
     SELECT ${key('price', 'j')}, ${key('product', 'j')}, 'BENCH', 'Bench year', 365 FROM generate_series(0, $1 - 1) j`,
    [products],
  );
  await db.query(
    `INSERT INTO code_batch (id, organization_id, source, status, progress, requested_quantity, created_count, price_id, code_type, completed_at)
     SELECT ${key('batch', 'j')}, $1, 'IMPORTED', 'COMPLETED', 100, $3, $3, ${key('price', 'j')}, 'MENTEE', now() FROM generate_series(0, $2 - 1) j`,
    [organizationId, products, people],
  );
  await db.query(
    `INSERT INTO code (id, organization_id, batch_id, code, price_id, code_type)
     SELECT pg_temp.bench_v7((extract(epoch FROM now()) * 1000)::bigint + k / 64), $1, ${key('batch', 'k / $3')}, $4 || lpad(k::text, ${CODE_WIDTH}, '0'),
            ${key('price', 'k / $3')}, 'MENTEE'
       FROM generate_series(0, $2 - 1) k`,
    [organizationId, count, people, prefix],
  );
}

/**
 * The redeem load from a second process (bench/load/redeem-load.mjs, autocannon): `connections`
 * clients for at most `durationSeconds`, request k redeeming codeOf(prefix, k) as person
 * k % tokens.length, `count` at the most; its outcome.
 */
export function redeemLoad({ target, connections, durationSeconds, tokens, prefix, count }) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./load/redeem-load.mjs', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stdin.end(JSON.stringify({ target, connections, durationSeconds, tokens, prefix, width: CODE_WIDTH, count }));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the output may still be on its way when the process has ended.
    child.once('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve(JSON.parse(output));
      } catch (error) {
        reject(new Error(`The load generator failed (${error.message}): ${output}`));
      }
    });
  });
}
