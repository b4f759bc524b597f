import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import type { Logger, QueryRunner } from 'typeorm';
import type { TestApp } from './test-app';

/**
 * The SQL statements one HTTP request runs. Every statement passes TypeORM's logger; the request's
 * CLS id, which the app takes from its `x-request-id` header, tells the request's own statements
 * from the background work running beside it (the outbox sweeper, the queues, the expiry rounds).
 */
export class StatementCounter {
  private readonly watched = new Map<string, string[]>();
  private readonly original: Logger;

  constructor(private readonly t: TestApp) {
    const cls = t.get(ClsService);
    this.original = t.dataSource.logger;
    const record = (query: string) => this.watched.get(cls.isActive() ? cls.getId() : '')?.push(query);
    setLogger(t, new RecordingLogger(this.original, record));
  }

  /** The statements `send` made the app run; it sends its one request with the headers it is given. */
  async statementsOf(send: (headers: Record<string, string>) => Promise<unknown>): Promise<string[]> {
    const requestId = randomUUID();
    this.watched.set(requestId, []);
    try {
      await send({ 'x-request-id': requestId });
      return this.watched.get(requestId)!;
    } finally {
      this.watched.delete(requestId);
    }
  }

  /** Puts the app's own logger back. */
  detach(): void {
    setLogger(this.t, this.original);
  }
}

function setLogger(t: TestApp, logger: Logger): void {
  // DataSource.logger is read on every statement (the query runners ask it), so a new one counts from the next.
  (t.dataSource as { logger: Logger }).logger = logger;
}

/** The app's logger, plus a note of every statement. */
class RecordingLogger implements Logger {
  constructor(
    private readonly inner: Logger,
    private readonly record: (query: string) => void,
  ) {}

  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): unknown {
    this.record(query);
    return this.inner.logQuery(query, parameters, queryRunner);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], queryRunner?: QueryRunner): unknown {
    return this.inner.logQueryError(error, query, parameters, queryRunner);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[], queryRunner?: QueryRunner): unknown {
    return this.inner.logQuerySlow(time, query, parameters, queryRunner);
  }

  logSchemaBuild(message: string, queryRunner?: QueryRunner): unknown {
    return this.inner.logSchemaBuild(message, queryRunner);
  }

  logMigration(message: string, queryRunner?: QueryRunner): unknown {
    return this.inner.logMigration(message, queryRunner);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): unknown {
    return this.inner.log(level, message, queryRunner);
  }
}
