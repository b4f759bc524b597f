import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors';

/** An error as node-postgres makes them: a message, and a code when PostgreSQL or the socket gave one. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

const failedQuery = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each<[string, unknown]>([
    ['a refused connection (pool connect)', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', pgError('read ECONNRESET', 'ECONNRESET')],
    ['a host that does not answer', pgError('connect ETIMEDOUT 10.0.0.5:5432', 'ETIMEDOUT')],
    ['a connection PostgreSQL ended as it stopped', pgError('Connection terminated unexpectedly')],
    ['a connect timeout of the driver', pgError('Connection terminated due to connection timeout')],
    ["the pool's connect timeout", pgError('timeout exceeded when trying to connect')],
    ['a client whose connection failed', pgError('Client has encountered a connection error and is not queryable')],
    ['admin shutdown (57P01) in a query', failedQuery(pgError('terminating connection due to administrator command', '57P01'))],
    ['"shutting down" (57P03) on connect', pgError('the database system is shutting down', '57P03')],
    ['"starting up" (57P03) on connect', pgError('the database system is starting up', '57P03')],
    ['"starting up" without a code', pgError('the database system is starting up')],
    ['crash shutdown (57P02)', failedQuery(pgError('terminating connection because of crash of another server process', '57P02'))],
    ['too many connections (53300)', pgError('sorry, too many clients already', '53300')],
    ['a connection exception (08006)', failedQuery(pgError('connection failure', '08006'))],
    [
      'every address of a host refusing (AggregateError)',
      new AggregateError([
        pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'),
        pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      ]),
    ],
    ['an outage as the cause of another error', new Error('Could not load the session', { cause: pgError('x', 'ECONNREFUSED') })],
  ])('is true for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a unique violation', failedQuery(pgError('duplicate key value violates unique constraint "x"', '23505'))],
    ['a syntax error (a bug)', failedQuery(pgError('syntax error at or near "SELEC"', '42601'))],
    ['a missing table (a bug)', failedQuery(pgError('relation "secret_table" does not exist', '42P01'))],
    ['a statement timeout', failedQuery(pgError('canceling statement due to statement timeout', '57014'))],
    ['a deadlock', failedQuery(pgError('deadlock detected', '40P01'))],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an error that only mentions ECONNREFUSED', new Error('connect ECONNREFUSED 10.0.0.5:5432')],
    ['a thrown string', 'Connection terminated unexpectedly'],
    ['null', null],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('does not loop on a cause that points back at itself', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
