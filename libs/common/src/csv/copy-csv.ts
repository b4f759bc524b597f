import type { Response } from 'express';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource, ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm';

const EXPORT_TIMEOUT_MS = 10 * 60_000;

/** SQL that prefixes a value a spreadsheet would run as a formula with an apostrophe (as `csvSafe` does). */
export function csvSafeSql(expression: string): string {
  return `CASE WHEN ${expression} ~ '^[=+@\\t\\r-]' THEN '''' || ${expression} ELSE ${expression} END`;
}

/** SQL for a timestamp as CSV shows it: ISO 8601 in UTC. */
export function isoTimestampSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
}

/**
 * Streams a select as CSV with a header, by PostgreSQL's COPY (over a million rows a second, in
 * bounded memory). The select's columns are the CSV's; it must neutralise formulas itself
 * (`csvSafeSql`).
 */
export async function copyCsv<T extends ObjectLiteral>(
  dataSource: DataSource,
  select: SelectQueryBuilder<T>,
  output: Writable,
): Promise<void> {
  const [sql, parameters] = select.getQueryAndParameters();
  const queryRunner = dataSource.createQueryRunner('master') as QueryRunner & {
    releasePostgresConnection(error?: unknown): Promise<void>;
  };
  const client = (await queryRunner.connect()) as PoolClient;
  try {
    const inlined = sql.replace(/\$(\d+)/g, (_, n: string) => literal(client, parameters[Number(n) - 1]));
    // A reader that stalls must not hold a connection and a snapshot for ever.
    await client.query(`SET statement_timeout = ${EXPORT_TIMEOUT_MS}`);
    await pipeline(client.query(copyTo(`COPY (${inlined}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), output);
    await client.query('RESET statement_timeout');
    await queryRunner.release();
  } catch (error) {
    // A COPY cut short leaves the connection mid-protocol: the pool must discard it, not reuse it.
    await queryRunner.releasePostgresConnection(error);
    throw error;
  }
}

/** COPY takes no bind parameters: values are inlined with the driver's own quoting. */
function literal(client: PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return client.escapeLiteral(value);
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => literal(client, item)).join(', ')}]`;
  throw new Error(`Cannot inline a ${typeof value} parameter into an export query.`);
}

/**
 * Sends a CSV download: headers, a UTF-8 byte-order mark (for spreadsheet programs) and the rows
 * `write` produces. An error before the first byte is answered normally; after it, the download
 * is cut so it cannot look complete.
 */
export async function sendCsvDownload(res: Response, fileName: string, write: (output: Writable) => Promise<void>): Promise<void> {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
  try {
    await write(withByteOrderMark(res));
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Writes a UTF-8 byte-order mark before the first chunk, not before. */
function withByteOrderMark(res: Response): Writable {
  let started = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, started ? chunk : ((started = true), Buffer.concat([Buffer.from('\ufeff'), chunk])));
    },
  });
  stream.pipe(res);
  // A client that goes away stops the COPY at once instead of leaving it stalled.
  res.on('close', () => {
    if (!res.writableFinished) stream.destroy(new Error('The client closed the download.'));
  });
  return stream;
}
