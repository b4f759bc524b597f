import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { copyCsv, csvSafeSql, isoTimestampSql, newId } from '@tessera/common';
import { Code } from './entities/code.entity';

export interface CodeDefaults {
  organizationId: string;
  batchId: string;
  contractId: string | null;
  priceId: string | null;
  codeType: string | null;
  expiresAt: Date | null;
}

const COPY_CHUNK = 10_000;

/**
 * The trigram index behind code search. With the default gin_pending_list_limit (4 MB) new entries
 * are merged into it every few thousand rows, and each merge rewrites the posting lists of most
 * trigrams of a large table: over half of an import's database time. An import lets its
 * entries wait in the pending list (256 MB holds 100,000 codes of 64 characters) and merges them
 * once before it commits, so searches never meet a long pending list.
 */
const SEARCH_INDEX = { name: 'code_search_trgm_idx', importPendingListLimit: '256MB' };

/** Advisory lock namespaces (first key) of the inventory; the second key is a hash of the subject. */
const LOCKS = { codeShape: 7_246_101, batchRun: 7_246_102 };

/**
 * The inventory's bulk SQL, in one place: COPY into a staging table for generation and import,
 * COPY out for exports, and the summary counts. Ordinary reads and writes use the ORM.
 */
@Injectable()
export class CodeStore {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Inserts the codes (canonical, distinct) in the current transaction; codes that already exist
   * anywhere are skipped. Returns how many were inserted.
   */
  async insertCodes(codes: string[], defaults: CodeDefaults): Promise<number> {
    const client = await this.transactionClient('insertCodes');
    await stage(client, codes);
    return insertStaged(client, defaults);
  }

  /**
   * An import's insert, in the current transaction: the codes (canonical, distinct) go in; those
   * already stored anywhere are skipped and come back with the organisation that holds them. The
   * search index takes the new entries in one merge (see SEARCH_INDEX).
   */
  async importCodes(codes: string[], defaults: CodeDefaults): Promise<{ count: number; taken: Map<string, string> }> {
    const client = await this.transactionClient('importCodes');
    await stage(client, codes);
    const mergeOnce = await ownsSearchIndex(client);
    if (mergeOnce) await client.query(`SET LOCAL gin_pending_list_limit = '${SEARCH_INDEX.importPendingListLimit}'`);
    const count = await insertStaged(client, defaults);
    const taken = new Map<string, string>();
    if (count < codes.length) {
      // The staged codes that did not go in were stored before, by this organisation or another.
      const { rows } = await client.query<{ code: string; organization_id: string }>(
        'SELECT s.code, c.organization_id FROM code_staging s JOIN code c ON c.code = s.code WHERE c.batch_id <> $1',
        [defaults.batchId],
      );
      for (const row of rows) taken.set(row.code, row.organization_id);
    }
    if (mergeOnce) {
      await client.query('SELECT gin_clean_pending_list($1::regclass)', [SEARCH_INDEX.name]);
      await client.query('SET LOCAL gin_pending_list_limit TO DEFAULT');
    }
    return { count, taken };
  }

  private async transactionClient(caller: string): Promise<PoolClient> {
    const queryRunner = this.txHost.tx.queryRunner;
    if (!queryRunner?.isTransactionActive) throw new Error(`${caller} runs inside a transaction (@Transactional).`);
    return (await queryRunner.connect()) as PoolClient;
  }

  /**
   * Live codes of one shape (prefix and length), counting those that batches still being filled
   * will add: what a guesser of that shape could hit. Takes the shape's lock first, so two
   * generations of one shape cannot both pass the risk check on the same count. A filling batch
   * counts whole: the codes its run has made so far (created_count) are not committed, so not in
   * the first count.
   */
  async liveCodesOfShape(prefix: string, length: number): Promise<number> {
    await this.txHost.tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.codeShape, `${prefix}:${length}`]);
    const [row] = await this.txHost.tx.query<{ count: number }[]>(
      `SELECT (SELECT count(*) FROM code
                WHERE status IN ('AVAILABLE', 'PENDING') AND length(code) = $2 AND code LIKE $1 || '%')
            + (SELECT coalesce(sum(requested_quantity), 0) FROM code_batch
                WHERE status IN ('PENDING', 'RUNNING') AND prefix = $1 AND length(prefix) + width = $2) AS count`,
      [prefix, length],
    );
    return Number(row.count);
  }

  /** True when no process is filling the batch right now (its lock is free). */
  async isBatchIdle(batchId: string): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const [row] = await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [LOCKS.batchRun, batchId]);
      if (row.free) await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCKS.batchRun, batchId]);
      return Boolean(row.free);
    } finally {
      await runner.release();
    }
  }

  /** Lets one process at a time fill a batch; false when another one is at it. */
  async tryLockBatch(batchId: string): Promise<boolean> {
    const [row] = await this.txHost.tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [
      LOCKS.batchRun,
      batchId,
    ]);
    return row.locked;
  }

  /**
   * Streams the rows of a filtered code query as CSV through PostgreSQL's COPY (bounded memory,
   * over a million rows a second). Values a spreadsheet would run as a formula are neutralised in
   * SQL with a leading apostrophe.
   */
  async exportCsv(query: SelectQueryBuilder<Code>, output: Writable): Promise<void> {
    const alias = query.alias;
    const select = query
      .clone()
      .leftJoin('price', 'export_price', `export_price.id = ${alias}.price_id`)
      .select([
        `${alias}.code AS code`,
        `${alias}.status AS status`,
        `${csvSafeSql(`${alias}.code_type`)} AS code_type`,
        `${csvSafeSql('export_price.price_code')} AS price_code`,
        `${alias}.batch_id AS batch_id`,
        `${alias}.contract_id AS contract_id`,
        `${isoTimestampSql(`${alias}.expires_at`)} AS expires_at`,
        `${csvSafeSql(`${alias}.last_sent_to_email`)} AS last_sent_to_email`,
        `${csvSafeSql(`${alias}.last_sent_to_name`)} AS last_sent_to_name`,
        `${isoTimestampSql(`${alias}.last_sent_at`)} AS last_sent_at`,
        `${csvSafeSql(`${alias}.admin_comment`)} AS admin_comment`,
        `${isoTimestampSql(`${alias}.created_at`)} AS created_at`,
      ])
      .orderBy(`${alias}.id`, 'ASC');
    await copyCsv(this.dataSource, select, output);
  }

  /**
   * The codes of the orders' batches counted by status, in one grouped query (a DataLoader batch).
   * An order without a batch has no row.
   */
  async seatCountsOfOrders(
    orderIds: readonly string[],
  ): Promise<{ orderId: string; batchId: string; status: string | null; count: number }[]> {
    return this.txHost.tx.query(
      `SELECT batch.order_id AS "orderId", batch.id AS "batchId", code.status::text AS status, count(code.id)::int AS count
         FROM code_batch batch LEFT JOIN code ON code.batch_id = batch.id
        WHERE batch.order_id = ANY($1::uuid[])
        GROUP BY batch.order_id, batch.id, code.status`,
      [[...orderIds]],
    );
  }

  /** Counts by status, overall and per price and batch. */
  async summary(organizationId: string): Promise<{ status: string; priceId: string | null; batchId: string; count: number }[]> {
    return this.txHost.tx.query(
      `SELECT status::text AS status, price_id AS "priceId", batch_id AS "batchId", count(*)::int AS count
         FROM code WHERE organization_id = $1 GROUP BY status, price_id, batch_id`,
      [organizationId],
    );
  }
}

/** The codes, with new ids, into code_staging: a temporary table that goes with the transaction. */
async function stage(client: PoolClient, codes: string[]): Promise<void> {
  await client.query('CREATE TEMP TABLE IF NOT EXISTS code_staging (id uuid NOT NULL, code text NOT NULL) ON COMMIT DROP');
  await client.query('TRUNCATE code_staging');
  await pipeline(Readable.from(copyLines(codes)), client.query(copyFrom('COPY code_staging (id, code) FROM STDIN')));
}

/**
 * The staged codes into code; those that exist anywhere already are skipped. Returns how many went in.
 * In code order: an insert waits on a code another import holds uncommitted, and two imports taking
 * shared codes in different orders would wait on each other (a deadlock, one import refused).
 */
async function insertStaged(client: PoolClient, defaults: CodeDefaults): Promise<number> {
  const result = await client.query(
    `INSERT INTO code (id, organization_id, batch_id, code, status, contract_id, price_id, code_type, expires_at)
     SELECT s.id, $1, $2, s.code, 'AVAILABLE', $3, $4, $5, $6 FROM code_staging s ORDER BY s.code
     ON CONFLICT (code) DO NOTHING`,
    [defaults.organizationId, defaults.batchId, defaults.contractId, defaults.priceId, defaults.codeType, defaults.expiresAt],
  );
  return result.rowCount ?? 0;
}

/**
 * gin_clean_pending_list needs the index's owner (as VACUUM does); an app role that does not own
 * the schema keeps the default behaviour (merging as it goes).
 */
async function ownsSearchIndex(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ owns: boolean }>(
    `SELECT pg_has_role(relowner, 'USAGE') AS owns FROM pg_class WHERE oid = to_regclass($1)`,
    [SEARCH_INDEX.name],
  );
  return rows[0]?.owns ?? false;
}

function* copyLines(codes: string[]): Generator<string> {
  for (let start = 0; start < codes.length; start += COPY_CHUNK) {
    let chunk = '';
    for (const code of codes.slice(start, start + COPY_CHUNK)) chunk += `${newId()}\t${code}\n`;
    yield chunk;
  }
}
