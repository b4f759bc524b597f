import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { newId } from '@tessera/common';
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
   * anywhere are skipped. Returns the codes inserted when `returnInserted`, else only their count.
   */
  async insertCodes(codes: string[], defaults: CodeDefaults, returnInserted = false): Promise<{ count: number; inserted?: string[] }> {
    const queryRunner = this.txHost.tx.queryRunner;
    if (!queryRunner?.isTransactionActive) throw new Error('insertCodes runs inside a transaction (@Transactional).');
    const client = (await queryRunner.connect()) as PoolClient;
    await client.query('CREATE TEMP TABLE IF NOT EXISTS code_staging (id uuid NOT NULL, code text NOT NULL) ON COMMIT DROP');
    await client.query('TRUNCATE code_staging');
    await pipeline(Readable.from(copyLines(codes)), client.query(copyFrom('COPY code_staging (id, code) FROM STDIN')));
    const result = await client.query<{ code: string }>(
      `INSERT INTO code (id, organization_id, batch_id, code, status, contract_id, price_id, code_type, expires_at)
       SELECT s.id, $1, $2, s.code, 'AVAILABLE', $3, $4, $5, $6 FROM code_staging s
       ON CONFLICT (code) DO NOTHING ${returnInserted ? 'RETURNING code' : ''}`,
      [defaults.organizationId, defaults.batchId, defaults.contractId, defaults.priceId, defaults.codeType, defaults.expiresAt],
    );
    return { count: result.rowCount ?? 0, inserted: returnInserted ? result.rows.map((row) => row.code) : undefined };
  }

  /** Which of these canonical codes exist already (anywhere in the system). */
  async existing(codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await this.txHost.tx.query<{ code: string }[]>('SELECT code FROM code WHERE code = ANY($1::text[])', [codes]);
    return new Set(rows.map((row) => row.code));
  }

  /** Live codes of one shape (prefix and length): what a guesser of that shape could hit. */
  async liveCodesOfShape(prefix: string, length: number): Promise<number> {
    const [row] = await this.txHost.tx.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM code
        WHERE status IN ('AVAILABLE', 'PENDING') AND length(code) = $2 AND left(code, length($1)) = $1`,
      [prefix, length],
    );
    return row.count;
  }

  /**
   * Streams the rows of a filtered code query as CSV through PostgreSQL's COPY (bounded memory,
   * over a million rows a second). Values a spreadsheet would run as a formula are neutralised in
   * SQL with a leading apostrophe.
   */
  async exportCsv(query: SelectQueryBuilder<Code>, output: Writable): Promise<void> {
    const alias = query.alias;
    const safe = (expression: string) => `CASE WHEN ${expression} ~ '^[=+@\\t\\r-]' THEN '''' || ${expression} ELSE ${expression} END`;
    const select = query
      .clone()
      .leftJoin('price', 'export_price', `export_price.id = ${alias}.price_id`)
      .select([
        `${alias}.code AS code`,
        `${alias}.status AS status`,
        `${safe(`${alias}.code_type`)} AS code_type`,
        `${safe('export_price.price_code')} AS price_code`,
        `${alias}.batch_id AS batch_id`,
        `${alias}.contract_id AS contract_id`,
        `to_char(${alias}.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at`,
        `${safe(`${alias}.last_sent_to_email`)} AS last_sent_to_email`,
        `${safe(`${alias}.last_sent_to_name`)} AS last_sent_to_name`,
        `to_char(${alias}.last_sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_sent_at`,
        `${safe(`${alias}.admin_comment`)} AS admin_comment`,
        `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`,
      ])
      .orderBy(`${alias}.id`, 'ASC');
    const [sql, parameters] = select.getQueryAndParameters();
    const queryRunner = this.dataSource.createQueryRunner('slave');
    try {
      const client = (await queryRunner.connect()) as PoolClient;
      const inlined = sql.replace(/\$(\d+)/g, (_, n: string) => literal(client, parameters[Number(n) - 1]));
      await pipeline(client.query(copyTo(`COPY (${inlined}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), output);
    } finally {
      await queryRunner.release();
    }
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

function* copyLines(codes: string[]): Generator<string> {
  for (let start = 0; start < codes.length; start += COPY_CHUNK) {
    let chunk = '';
    for (const code of codes.slice(start, start + COPY_CHUNK)) chunk += `${newId()}\t${code}\n`;
    yield chunk;
  }
}

/** COPY takes no bind parameters: values are inlined with the driver's own quoting. */
function literal(client: PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return client.escapeLiteral(String(value));
}
