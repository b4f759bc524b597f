import { createRequire } from 'node:module';
import pg from 'pg';
import { gql, rss, SCALE, scaled } from '../lib.mjs';

// The SQL Tessera runs for a search, from the build the benchmark runs (`npm run bench` builds first).
const { RegistrationSearchSql, SEARCH_COUNT_CAP } = createRequire(import.meta.url)('../../dist/src/access/registration-search.sql.js');

const CODES = scaled(1_000_000);
const GRANTS = Math.min(CODES, scaled(200_000));
/** Fewer people than grants: the last ones also have a second grant, as MENTOR. */
const PEOPLE = Math.max(1, Math.round(GRANTS * 0.75));
const TERMS = 200;
const TARGET_P95_MS = 30;
/** Slow searches are measured for this long at most (then at least MIN_TERMS terms); fast ones take a few seconds. */
const BUDGET_MS = Math.max(15_000, 45_000 * Math.min(1, SCALE));
const MIN_TERMS = 20;
/** Terms whose results are also checked against the plain OR across the joined tables (about 2 s each at full scale). */
const REFERENCE_TERMS = 20;

const PRODUCTS = [
  ['Leadership Essentials', 'LEAD'],
  ['Mentoring Programme Spring', ''],
  ['Data Literacy Bootcamp', 'DATA'],
  ['Project Management Fundamentals', ''],
  ['Intercultural Communication', ''],
  ['Coaching Certificate', ''],
  ['Negotiation Masterclass', ''],
  ['Agile Team Practices', 'AGIL'],
  ['Financial Planning Basics', ''],
  ['Public Speaking Studio', ''],
  ['UX Research Methods', 'UXRM'],
  ['Sustainability Reporting', ''],
];
const MILESTONES = [
  { key: 'assessment-completed', label: 'Assessment completed' },
  { key: 'survey-completed', label: 'Survey completed' },
  { key: 'final-project', label: 'Final project handed in' },
];
const FIRST_NAMES = `Maria Jan Aisha Wei Olga Pedro Fatima Lars Chloe Kenji Amara Tomasz Sofia Mehmet Ingrid Diego Priya Noah Leila Mateo
  Hannah Yusuf Elena Kwame Marta Oskar Zanele Luca Ana Rohan Emma Bilal Sara Jonas Nadia Pablo Greta Ahmed Lucia Finn Mei Andrzej Ines
  Samuel Yara Viktor Chiara Omar Freya Tariq`.split(/\s+/);
const LAST_NAMES = `Okafor Jansen Nguyen Kowalski Silva Haddad Larsen Dubois Tanaka Mensah Novak Rossi Yilmaz Berg Garcia Patel Fischer
  Rahman Moreau Costa Ivanova Adeyemi Schmidt Eriksen Murphy Santos Kim Horvat Dvorak Ferreira Popescu Ali Nakamura Lindqvist Owusu
  Romero Weber Sato Koch Mazur Bakker Hansen Ortiz Suzuki Petrov Diallo Keller Moretti Lopez Andersson Vargas Schulz Ibrahim Hoffmann
  Kovacs Castillo Nilsson Wagner Aziz Peeters`.split(/\s+/);
const DOMAINS = `example.com mail.test acme-corp.test globex.test initech.test umbrella.test stark-ind.test wayne-ent.test hooli.test
  vandelay.test soylent.test tyrell.test`.split(/\s+/);

/**
 * The reference for the results: the search as one OR across the joined tables (what Tessera ran
 * before the per-table look-ups, and still runs for the CSV export), as PostgreSQL logged it.
 */
const WHERE = `"access"."organization_id" = $1 AND ("code"."code" = $2 OR "code"."code" LIKE $3 OR "person"."email" ILIKE $4
          OR ("person"."first_name" || ' ' || "person"."last_name") ILIKE $4 OR "product"."name" ILIKE $4 OR "access"."role" ILIKE $4
          OR EXISTS (SELECT 1 FROM milestone_completion m WHERE m.grant_id = "access"."id" AND m.key ILIKE $4))`;
const FROM = `FROM "access_grant" "access" INNER JOIN "code" "code" ON "code"."id" = "access"."code_id"  INNER JOIN "user_account" "person" ON "person"."id" = "access"."user_id"  LEFT JOIN "product" "product" ON "product"."id" = "access"."product_id"`;
const COLUMNS = `"access"."id" AS "access_id", "access"."organization_id" AS "access_organization_id", "access"."user_id" AS "access_user_id", "access"."code_id" AS "access_code_id", "access"."product_id" AS "access_product_id", "access"."price_id" AS "access_price_id", "access"."role" AS "access_role", "access"."status" AS "access_status", "access"."starts_at" AS "access_starts_at", "access"."ends_at" AS "access_ends_at", "access"."revoked_at" AS "access_revoked_at", "access"."created_at" AS "access_created_at", "access"."updated_at" AS "access_updated_at"`;
const REFERENCE_SQL = {
  count: `SELECT COUNT(DISTINCT("access"."id")) AS "cnt" ${FROM} WHERE ${WHERE}`,
  ids: `SELECT DISTINCT "distinctAlias"."access_id" AS "ids_access_id", "distinctAlias"."access_id" FROM (SELECT ${COLUMNS} ${FROM} WHERE ${WHERE}) "distinctAlias" ORDER BY "distinctAlias"."access_id" ASC, "access_id" ASC LIMIT 21`,
};

const QUERY = `query Registrations($org: UUID!, $search: String) {
  accessGrants(organizationId: $org, first: 20, filter: { search: $search }) {
    totalCount
    totalCountIsExact
    edges { node { id code status startsAt endsAt user { email firstName lastName } product { name } milestones { key completedAt } } }
  }
}`;

/**
 * The registrations search (`accessGrants` with `filter.search`) of one organisation holding
 * 1,000,000 codes and 200,000 grants (scaled), with 200 different terms: names, e-mail
 * fragments, code fragments and whole codes as typed, product names, milestone keys and misses.
 * One search at a time; p95 over HTTP, against the same SQL run directly through pg. The first
 * REFERENCE_TERMS terms' counts and first pages are also checked against the OR across the joins.
 */
export default async function search({ url, db, admin, apiPid, databaseUrl }) {
  let started = performance.now();
  const org = await makeData(db);
  const terms = await pickTerms(db, org);
  console.error(
    `  search: ${CODES.toLocaleString('en')} codes, ${GRANTS.toLocaleString('en')} grants made in ${((performance.now() - started) / 1000).toFixed(1)} s; ${terms.length} terms`,
  );

  // Warm up both sides (caches, plans, connections) with a few terms, then measure each term once,
  // Tessera and the SQL in turn, in a shuffled order; when searches are slow, only as many terms as
  // fit in the time budget (the table says how many).
  const direct = [new pg.Client({ connectionString: databaseUrl }), new pg.Client({ connectionString: databaseUrl })];
  await Promise.all(direct.map((client) => client.connect()));
  try {
    for (const term of terms.slice(0, 2)) {
      await searchApi(url, admin, org, term);
      await searchSql(direct, org, term);
    }
    const rssBefore = await rss(apiPid);
    started = performance.now();
    const api = [];
    const sql = [];
    for (const term of shuffled(terms)) {
      if (api.length >= MIN_TERMS && performance.now() - started > BUDGET_MS) break;
      const a = await searchApi(url, admin, org, term);
      const b = await searchSql(direct, org, term);
      if (a.count !== b.count || a.exact !== b.exact || a.ids.join() !== b.ids.join()) {
        throw new Error(
          `search "${term}": Tessera found ${a.count} (exact: ${a.exact}), the SQL ${b.count} (exact: ${b.exact}), or other ids`,
        );
      }
      api.push({ term, ms: a.ms, ids: a.ids, count: a.count, exact: a.exact });
      sql.push(b.ms);
    }
    const peak = Math.max(rssBefore, await rss(apiPid));
    // Outside the timing: the same matches as the OR across the joins (counted up to the cap).
    for (const sample of api.slice(0, REFERENCE_TERMS)) {
      const reference = await searchReference(direct, org, sample.term);
      const count = Math.min(reference.count, SEARCH_COUNT_CAP);
      if (sample.count !== count || sample.exact !== reference.count <= SEARCH_COUNT_CAP || sample.ids.join() !== reference.ids.join()) {
        throw new Error(
          `search "${sample.term}": Tessera found ${sample.count} (exact: ${sample.exact}), the OR across the joins ${reference.count}, or other ids`,
        );
      }
    }
    const times = api.map((sample) => sample.ms);
    console.error(
      `  search: ${api.length} of ${terms.length} terms in ${((performance.now() - started) / 1000).toFixed(1)} s; Tessera p50 ${percentile(times, 50).toFixed(1)} / p95 ${percentile(times, 95).toFixed(1)} / max ${Math.max(...times).toFixed(1)} ms; SQL p50 ${percentile(sql, 50).toFixed(1)} / p95 ${percentile(sql, 95).toFixed(1)} / max ${Math.max(...sql).toFixed(1)} ms`,
    );
    const slowest = [...api].sort((x, y) => y.ms - x.ms).slice(0, 5);
    console.error(`  search: slowest terms ${slowest.map(({ term, ms }) => `"${term}" ${ms.toFixed(0)} ms`).join(', ')}`);
    const p95 = percentile(times, 95);
    const base = percentile(sql, 95);
    const measured = api.length < terms.length ? ` (${api.length} of them measured in the time budget)` : '';
    return [
      {
        scenario: `search registrations: ${terms.length} terms${measured} among ${CODES.toLocaleString('en')} codes, ${GRANTS.toLocaleString('en')} grants (p95)`,
        tessera: `${p95.toFixed(1)} ms`,
        baseline: `${base.toFixed(1)} ms (the same SQL through pg)`,
        ratio: `${(p95 / base).toFixed(2)}×`,
        target: `p95 ≤ ${TARGET_P95_MS} ms`,
        met: p95 <= TARGET_P95_MS,
        rss: peak,
      },
    ];
  } finally {
    await Promise.all(direct.map((client) => client.end()));
  }
}

async function searchApi(url, token, org, term) {
  const started = performance.now();
  const result = await gql(url, token, QUERY, { org, search: term });
  const ms = performance.now() - started;
  const connection = result.data?.accessGrants;
  if (!connection) throw new Error(`search "${term}" failed: ${JSON.stringify(result.errors)}`);
  return { ms, count: connection.totalCount, exact: connection.totalCountIsExact, ids: connection.edges.map((edge) => edge.node.id) };
}

/** Tessera's SQL for one search: the matches (count and page), the walk by id when past the cap, then the page's rows. */
async function searchSql([client], org, term) {
  const search = new RegistrationSearchSql({ organizationId: org }, term.trim());
  const started = performance.now();
  const matches = search.matchesQuery(null, 21);
  const { matchCount, pageIds } = (await client.query(matches.sql, matches.params)).rows[0];
  let ids = pageIds;
  if (matchCount > SEARCH_COUNT_CAP) {
    const walk = search.pageQuery(null, 21);
    ids = (await client.query(walk.sql, walk.params)).rows.map((row) => row.id);
  }
  if (ids.length) await client.query(`SELECT * FROM access_grant WHERE id = ANY($1)`, [ids]);
  const ms = performance.now() - started;
  return { ms, count: Math.min(matchCount, SEARCH_COUNT_CAP), exact: matchCount <= SEARCH_COUNT_CAP, ids: ids.slice(0, 20) };
}

/** The OR across the joined tables: the count and the first page's ids, side by side. */
async function searchReference([one, two], org, term) {
  const canonical = term
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\u00a0\u3000\-\u2010\u2011\u2013\u2014]/g, '');
  const contains = (text) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params = [org, canonical, contains(canonical || term), contains(term)];
  const [count, ids] = await Promise.all([one.query(REFERENCE_SQL.count, params), two.query(REFERENCE_SQL.ids, params)]);
  return { count: Number(count.rows[0].cnt), ids: ids.rows.map((row) => row.ids_access_id).slice(0, 20) };
}

/** The terms in a fixed shuffled order, so a part of them is a fair mix of the kinds. */
function shuffled(terms) {
  const out = [...terms];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sqlList = (values) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;

/** An organisation of its own with the codes, people, grants and milestones; returns its id. */
export async function makeData(db) {
  // Ids as Tessera makes them (UUIDv7: time first), the same for the same kind and number.
  await db.query(`CREATE OR REPLACE FUNCTION pg_temp.bench_id(kind text, n bigint, ms bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(kind || n), 1, 3) || '8' || substr(md5(kind || n), 4, 15))::uuid $$`);
  const base = Date.now() - 400 * 86_400_000;
  const org = (
    await db.query(
      `INSERT INTO organization (id, name, slug) VALUES (pg_temp.bench_id('org', 0, $1), 'Search bench', 'search-bench') RETURNING id`,
      [base],
    )
  ).rows[0].id;
  await db.query(
    `INSERT INTO product (id, owner_organization_id, name, milestones)
     SELECT pg_temp.bench_id('product', j, $2), $1, (${sqlList(PRODUCTS.map(([name]) => name))})[j + 1], $3
       FROM generate_series(0, $4 - 1) j`,
    [org, base, JSON.stringify(MILESTONES), PRODUCTS.length],
  );
  await db.query(
    `INSERT INTO price (id, product_id, price_code, name, access_days)
     SELECT pg_temp.bench_id('price', j, $1), pg_temp.bench_id('product', j, $1), 'YEAR', 'One year', 365 FROM generate_series(0, $2 - 1) j`,
    [base, PRODUCTS.length],
  );
  await db.query(
    `INSERT INTO code_batch (id, organization_id, source, status, progress, requested_quantity, created_count, price_id, code_type, prefix, width, completed_at)
     SELECT pg_temp.bench_id('batch', j, $2), $1, 'GENERATED', 'COMPLETED', 100, $3 / $4, $3 / $4, pg_temp.bench_id('price', j, $2), 'MENTEE',
            nullif((${sqlList(PRODUCTS.map(([, prefix]) => prefix))})[j + 1], ''), 10, now()
       FROM generate_series(0, $4 - 1) j`,
    [org, base, CODES, PRODUCTS.length],
  );
  // Code n: product n % 12, 10 characters (a bijection of n, so no two are alike) after the product's prefix;
  // the first GRANTS are the grants' codes (REDEEMED, or AVAILABLE again when the grant was revoked).
  await db.query(
    `INSERT INTO code (id, organization_id, batch_id, code, status, price_id, code_type, created_at, updated_at)
     SELECT pg_temp.bench_id('code', n, $2::bigint + n * 10), $1, pg_temp.bench_id('batch', n % $4, $2),
            (${sqlList(PRODUCTS.map(([, prefix]) => prefix))})[n % $4 + 1]
              || translate(lpad(to_hex((n * 2654435761) % 4294967296), 8, '0') || substr(md5(n::text), 1, 2), '0123456789abcdef', '3479ACDEFHJKMNPR'),
            (CASE WHEN n < $3 AND n % 10 <> 0 THEN 'REDEEMED' ELSE 'AVAILABLE' END)::code_status,
            pg_temp.bench_id('price', n % $4, $2), 'MENTEE', to_timestamp(($2::bigint + n * 10) / 1000.0), to_timestamp(($2::bigint + n * 10) / 1000.0)
       FROM generate_series(0, $5 - 1) n`,
    [org, base, GRANTS, PRODUCTS.length, CODES],
  );
  await db.query(
    `INSERT INTO user_account (id, email, first_name, last_name, created_at, updated_at)
     SELECT pg_temp.bench_id('person', u, $1::bigint + u * 10),
            lower(f.name || '.' || l.name) || u || '@' || (${sqlList(DOMAINS)})[u % ${DOMAINS.length} + 1], f.name, l.name, now(), now()
       FROM generate_series(0, $2 - 1) u
      CROSS JOIN LATERAL (SELECT (${sqlList(FIRST_NAMES)})[u % ${FIRST_NAMES.length} + 1] AS name) f
      CROSS JOIN LATERAL (SELECT (${sqlList(LAST_NAMES)})[(u * 7 + u / ${FIRST_NAMES.length}) % ${LAST_NAMES.length} + 1] AS name) l`,
    [base, PEOPLE],
  );
  // Grant g: code g, person g % PEOPLE (MENTEE, then MENTOR for the second round), one in ten revoked and one in ten expired.
  await db.query(
    `INSERT INTO access_grant (id, organization_id, user_id, code_id, product_id, price_id, role, status, starts_at, ends_at, revoked_at, created_at, updated_at)
     SELECT pg_temp.bench_id('grant', g, $2::bigint + 20000000 + g * 100), $1, pg_temp.bench_id('person', g % $3, $2::bigint + (g % $3) * 10),
            pg_temp.bench_id('code', g, $2 + g * 10), pg_temp.bench_id('product', g % $4, $2), pg_temp.bench_id('price', g % $4, $2),
            CASE WHEN g < $3 THEN 'MENTEE' ELSE 'MENTOR' END,
            (CASE g % 10 WHEN 0 THEN 'REVOKED' WHEN 1 THEN 'EXPIRED' ELSE 'ACTIVE' END)::grant_status,
            s.at, CASE g % 10 WHEN 0 THEN s.at + interval '30 days' WHEN 1 THEN now() - interval '1 day' ELSE s.at + interval '365 days' END,
            CASE g % 10 WHEN 0 THEN s.at + interval '30 days' END, s.at, s.at
       FROM generate_series(0, $5 - 1) g
      CROSS JOIN LATERAL (SELECT now() - (g % 360) * interval '1 day' - interval '2 days' AS at) s`,
    [org, base, PEOPLE, PRODUCTS.length, GRANTS],
  );
  // Milestones: two in five grants passed the assessment, one in five the survey too.
  await db.query(
    `INSERT INTO milestone_completion (grant_id, key, completed_at)
     SELECT pg_temp.bench_id('grant', g, $1::bigint + 20000000 + g * 100), m.key, now() - interval '1 day'
       FROM generate_series(0, $2 - 1) g
       JOIN (VALUES (0, 'assessment-completed'), (1, 'survey-completed')) m(i, key) ON (m.i = 0 AND g % 5 < 2) OR (m.i = 1 AND g % 5 = 0)`,
    [base, GRANTS],
  );
  // VACUUM as well, as autovacuum would have done by now in a live database (it may be off on a
  // benchmark server): bulk inserts leave GIN pending lists every trigram search would read through.
  await db.query(
    'VACUUM ANALYZE organization, product, price, code_batch, code, user_account, membership, access_grant, milestone_completion',
  );
  return org;
}

/** 200 terms people type into the search box, taken from the data (and a few that match nothing). */
export async function pickTerms(db, org) {
  const { rows } = await db.query(
    `SELECT code.code, person.email, person.first_name, person.last_name
       FROM access_grant access JOIN code ON code.id = access.code_id JOIN user_account person ON person.id = access.user_id
      WHERE access.organization_id = $1 ORDER BY md5(access.id::text) LIMIT 40`,
    [org],
  );
  const hyphenated = (code) => code.match(/.{1,4}/g).join('-');
  const terms = new Set();
  rows.forEach((row, i) => {
    terms.add(row.code.slice(2, 8).toLowerCase()); // a code fragment
    terms.add(i % 2 ? hyphenated(row.code) : row.code.toLowerCase()); // a whole code, as typed
    terms.add(row.email.split('@')[0]); // the e-mail's local part
    terms.add(`${row.first_name} ${row.last_name}`); // the full name
  });
  LAST_NAMES.slice(0, 20).forEach((name) => terms.add(name));
  FIRST_NAMES.slice(0, 10).forEach((name) => terms.add(name.toLowerCase()));
  DOMAINS.slice(0, 8).forEach((domain) => terms.add(`@${domain}`));
  PRODUCTS.forEach(([name]) => terms.add(name.split(' ')[0]));
  ['assessment', 'survey-completed', 'mentor'].forEach((term) => terms.add(term));
  ['zzqx', 'nobody@nowhere.test', 'QQQQ-QQQQ', 'Xylophone', 'Ünïcode'].forEach((term) => terms.add(term));
  for (let i = 0; terms.size < TERMS; i++)
    terms.add(`${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i * 3) % LAST_NAMES.length]}`.slice(0, 6 + (i % 6)));
  return [...terms].slice(0, TERMS);
}
