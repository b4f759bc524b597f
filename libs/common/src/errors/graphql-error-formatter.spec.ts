import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError, parse } from 'graphql';
import { QueryFailedError } from 'typeorm';
import {
  AppError,
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from './app-error';
import { ErrorReason } from './error-reason';
import { formatGraphQLError } from './graphql-error-formatter';

const PATH = ['organization', 'codes'];
const LOCATIONS = [{ line: 2, column: 3 }];

/** What graphql-js hands Apollo when a resolver throws: the thrown error wrapped, with a path. */
function thrownByResolver(error: Error): GraphQLError {
  return new GraphQLError(error.message, { path: PATH, originalError: error });
}

/** Apollo's formatted error: message, locations, path and `extensions` (code, maybe stacktrace). */
function apolloFormatted(error: GraphQLError, code: string): GraphQLFormattedError {
  return {
    message: error.message,
    locations: LOCATIONS,
    path: error.path,
    extensions: { code, stacktrace: ['at secret (/srv/app.js:1:1)'] },
  };
}

describe('formatGraphQLError', () => {
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('application errors', () => {
    it.each<[string, AppError, Record<string, unknown>]>([
      [
        'NotFoundError',
        new NotFoundError('Code', '01890a5d-ac96-774b-bcce-b302099a8057'),
        { code: 'NOT_FOUND', entity: 'Code', id: '01890a5d-ac96-774b-bcce-b302099a8057' },
      ],
      ['NotFoundError without an id', new NotFoundError('Organisation'), { code: 'NOT_FOUND', entity: 'Organisation' }],
      [
        'BadUserInputError with fields',
        new BadUserInputError([
          { field: 'email', message: 'must be an email' },
          { field: 'people.2.lastName', message: 'should not be empty' },
        ]),
        {
          code: 'BAD_USER_INPUT',
          fields: [
            { field: 'email', message: 'must be an email' },
            { field: 'people.2.lastName', message: 'should not be empty' },
          ],
        },
      ],
      ['RateLimitedError', new RateLimitedError(42), { code: 'RATE_LIMITED', retryAfterSeconds: 42 }],
      [
        'ConflictError with details',
        new ConflictError('The slug "acme" is taken.', { reason: ErrorReason.SLUG_TAKEN, field: 'slug' }),
        { code: 'CONFLICT', reason: 'SLUG_TAKEN', field: 'slug' },
      ],
      ['ForbiddenError', new ForbiddenError(), { code: 'FORBIDDEN' }],
      ['UnauthenticatedError without credentials', new UnauthenticatedError(), { code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' }],
      [
        'UnauthenticatedError of an expired token',
        new UnauthenticatedError(ErrorReason.TOKEN_EXPIRED, 'The token has expired: sign in again.'),
        { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' },
      ],
      [
        'NotFoundError with a reason',
        new NotFoundError('Code', 'HBK7M2Q9', ErrorReason.NOT_FOUND),
        { code: 'NOT_FOUND', entity: 'Code', id: 'HBK7M2Q9', reason: 'NOT_FOUND' },
      ],
      ['ServiceUnavailableError', new ServiceUnavailableError(9), { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 9 }],
    ])('maps a %s thrown by a resolver to its code and details', (_label, appError, extensions) => {
      const wrapped = thrownByResolver(appError);
      const result = formatGraphQLError(apolloFormatted(wrapped, 'INTERNAL_SERVER_ERROR'), wrapped);

      expect(result).toEqual({ message: appError.message, locations: LOCATIONS, path: PATH, extensions });
      expect(logError).not.toHaveBeenCalled();
    });

    it('keeps the domain message, not a generic one', () => {
      const wrapped = thrownByResolver(new RateLimitedError(7));
      const result = formatGraphQLError(apolloFormatted(wrapped, 'INTERNAL_SERVER_ERROR'), wrapped);
      expect(result.message).toBe('Too many attempts. Try again in 7 seconds.');
    });
  });

  describe("Apollo's own codes", () => {
    it.each<[string, Record<string, unknown>]>([
      ['GRAPHQL_VALIDATION_FAILED', { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }],
      ['GRAPHQL_PARSE_FAILED', { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }],
      ['OPERATION_RESOLUTION_FAILURE', { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }],
      // A variable's value that does not fit its type: an input error, no shape reason.
      ['BAD_USER_INPUT', { code: 'BAD_USER_INPUT' }],
      ['BAD_REQUEST', { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }],
      ['PERSISTED_QUERY_NOT_FOUND', { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' }],
      ['UNAUTHENTICATED', { code: 'UNAUTHENTICATED' }],
      ['FORBIDDEN', { code: 'FORBIDDEN' }],
    ])('maps %s to %j and keeps the message', (apolloCode, expected) => {
      const error = new GraphQLError('Cannot query field "nope" on type "Query".');
      const formatted: GraphQLFormattedError = {
        message: error.message,
        locations: LOCATIONS,
        extensions: { code: apolloCode, stacktrace: ['x'] },
      };

      const result = formatGraphQLError(formatted, error);

      expect(result).toEqual({ message: error.message, locations: LOCATIONS, path: undefined, extensions: expected });
      expect(logError).not.toHaveBeenCalled();
    });
  });

  describe("refusals of the request's shape", () => {
    const format = (message: string, extensions: Record<string, unknown>) =>
      formatGraphQLError({ message, extensions: { stacktrace: ['x'], ...extensions } }, new GraphQLError(message));

    it('keeps the reason and the numbers of our own refusals, and nothing else they carry', () => {
      const result = format('This query costs 12725, more than the 10000 allowed.', {
        code: 'BAD_USER_INPUT',
        reason: 'QUERY_TOO_COSTLY',
        cost: 12725,
        limit: 10000,
        internal: 'x',
      });
      expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COSTLY', cost: 12725, limit: 10000 });
      expect(result.message).toBe('This query costs 12725, more than the 10000 allowed.');
    });

    it('keeps the reason of a refusal our validation rules report (Apollo codes it GRAPHQL_VALIDATION_FAILED)', () => {
      const result = format('This query nests 12 levels deep, over the depth limit of 10.', {
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'QUERY_TOO_DEEP',
        depth: 12,
        limit: 10,
      });
      expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP', depth: 12, limit: 10 });
    });

    it('does not pass on a reason that is not a shape refusal', () => {
      const result = format('Variable "$id" got invalid value 42.', { code: 'BAD_USER_INPUT', reason: 'SOMETHING_ELSE', cost: 1 });
      expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    });

    it("tells graphql-js's token limit apart from a syntax error, and says it without the label", () => {
      const parseFailure = (query: string) => {
        try {
          parse(query, { maxTokens: 5 });
        } catch (error) {
          return (error as GraphQLError).message;
        }
        throw new Error(`${query} parsed`);
      };
      const tooLong = format(parseFailure('{ a b c d e f g }'), { code: 'GRAPHQL_PARSE_FAILED' });
      expect(tooLong.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_TOKENS', limit: 5 });
      expect(tooLong.message).not.toMatch(/syntax error/i);
      expect(tooLong.message).toContain('5 tokens');

      const broken = format(parseFailure('{ a '), { code: 'GRAPHQL_PARSE_FAILED' });
      expect(broken.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' });
      expect(broken.message).toMatch(/^Syntax Error: Expected Name/);
    });

    it("tells Apollo's CSRF refusal apart from other bad requests", () => {
      const message =
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a non-empty value for one of the following headers: x-apollo-operation-name, apollo-require-preflight\n";
      const result = format(message, { code: 'BAD_REQUEST' });
      expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'CSRF_REFUSED' });
      expect(result.message).toBe(message.trim());
    });
  });

  it('cuts the middle out of a long message, keeping what graphql-js says is wrong at its end', () => {
    const pasted = 'HBK7M2Q9\\n'.repeat(100_000);
    const message = `Variable "$input" got invalid value { text: "${pasted}" }; Field "organizationId" of required type "UUID!" was not provided.`;
    const error = new GraphQLError(message);

    const result = formatGraphQLError({ message, extensions: { code: 'BAD_USER_INPUT' } }, error);

    expect(result.message.length).toBeLessThan(700);
    expect(result.message).toMatch(/^Variable "\$input" got invalid value/);
    expect(result.message).toMatch(/Field "organizationId" of required type "UUID!" was not provided\.$/);
    expect(result.message).toContain('characters left out');
  });

  describe('unknown errors', () => {
    it.each<[string, unknown, string]>([
      ['an Error thrown by a resolver', thrownByResolver(new Error('relation "secret_table" does not exist')), 'secret_table'],
      [
        'a TypeError thrown by a resolver',
        thrownByResolver(new TypeError("Cannot read properties of undefined (reading 'passwordHash')")),
        'passwordHash',
      ],
      ['a bare Error', new Error('connect ECONNREFUSED 10.0.0.5:5432'), 'ECONNREFUSED'],
      ['a thrown string', 'password=hunter2', 'hunter2'],
    ])('hides %s behind INTERNAL_SERVER_ERROR', (_label, error, secret) => {
      const message = error instanceof Error ? error.message : String(error);
      const formatted: GraphQLFormattedError = {
        message,
        locations: LOCATIONS,
        path: PATH,
        extensions: {
          code: 'INTERNAL_SERVER_ERROR',
          stacktrace: [`Error: ${message}`, '    at Resolver.codes (/srv/dist/src/inventory/codes.resolver.js:10:11)'],
        },
      };

      const result = formatGraphQLError(formatted, error);

      expect(result).toEqual({
        message: 'Internal server error.',
        locations: LOCATIONS,
        path: PATH,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      const body = JSON.stringify(result);
      expect(body).not.toContain(secret);
      expect(body).not.toContain('stacktrace');
      expect(body).not.toContain('/srv/');
      expect(logError).toHaveBeenCalledTimes(1); // kept for the operator, not the caller
      expect(JSON.stringify(logError.mock.calls[0])).toContain(secret);
    });

    it('does not trust an unknown code the error carries', () => {
      const error = thrownByResolver(new Error('boom'));
      const result = formatGraphQLError({ message: 'boom', path: PATH, extensions: { code: 'ECONNRESET' } }, error);
      expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(result.message).toBe('Internal server error.');
    });
  });

  describe('a database that cannot be reached', () => {
    it.each<[string, Error]>([
      ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
      ['a connection ended by a stopping PostgreSQL', new Error('Connection terminated unexpectedly')],
      [
        'an admin shutdown in a query',
        new QueryFailedError(
          'SELECT 1',
          [],
          Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        ),
      ],
      ['a database starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
      ["the pool's connect timeout", new Error('timeout exceeded when trying to connect')],
    ])('answers %s with SERVICE_UNAVAILABLE, retryable, without internals', (_label, cause) => {
      const wrapped = thrownByResolver(cause);
      const result = formatGraphQLError(apolloFormatted(wrapped, 'INTERNAL_SERVER_ERROR'), wrapped);

      expect(result.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 5 });
      expect(result.message).toBe(new ServiceUnavailableError().message);
      expect(result.path).toEqual(PATH);
      expect(JSON.stringify(result)).not.toMatch(/5432|57P01|stacktrace|terminat/);
      expect(logError).not.toHaveBeenCalled(); // an outage, not a bug
    });

    it('keeps INTERNAL_SERVER_ERROR for a statement that is wrong (a bug)', () => {
      const wrapped = thrownByResolver(
        new QueryFailedError('SELEC 1', [], Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })),
      );
      const result = formatGraphQLError(apolloFormatted(wrapped, 'INTERNAL_SERVER_ERROR'), wrapped);
      expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(logError).toHaveBeenCalledTimes(1);
    });
  });

  describe('a collision with a simultaneous change', () => {
    it.each([
      ['a deadlock', '40P01', 'deadlock detected'],
      ['a serialisation failure', '40001', 'could not serialize access due to concurrent update'],
    ])('answers %s as a retryable CONFLICT with its reason, not a bug', (_label, code, message) => {
      const wrapped = thrownByResolver(new QueryFailedError('UPDATE code', [], Object.assign(new Error(message), { code })));
      const result = formatGraphQLError(apolloFormatted(wrapped, 'INTERNAL_SERVER_ERROR'), wrapped);
      expect(result.extensions).toEqual({ code: 'CONFLICT', reason: 'CONCURRENT_CHANGE', retryable: true });
      expect(result.message).not.toContain(code);
      expect(logError).not.toHaveBeenCalled();
    });
  });

  describe('suggestions', () => {
    const SUGGESTING = [
      [
        'an enum value inline',
        'Value "AVAILABEL" does not exist in "CodeStatus" enum. Did you mean the enum value "AVAILABLE"?',
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'an enum value in variables',
        'Variable "$status" got invalid value "AVAILABEL" at "status[0]"; Value "AVAILABEL" does not exist in "CodeStatus" enum. Did you mean the enum value "AVAILABLE"?',
        'BAD_USER_INPUT',
      ],
      ['a field', 'Cannot query field "totalCont" on type "CodeConnection". Did you mean "totalCount"?', 'GRAPHQL_VALIDATION_FAILED'],
      ['an argument', 'Unknown argument "frist" on field "Query.codes". Did you mean "first"?', 'GRAPHQL_VALIDATION_FAILED'],
      ['a type', 'Unknown type "CodeFilte". Did you mean "CodeFilter", "CodeStatus", or "OrderFilter"?', 'GRAPHQL_VALIDATION_FAILED'],
      [
        'an input field in variables',
        'Variable "$filter" got invalid value { statuss: [] }; Field "statuss" is not defined by type "CodeFilter". Did you mean "status"?',
        'BAD_USER_INPUT',
      ],
    ] as const;

    it.each(SUGGESTING)('leaves out the suggestion for %s when told to', (_label, message, code) => {
      const result = formatGraphQLError({ message, extensions: { code } }, new GraphQLError(message), { hideSuggestions: true });
      expect(result.message).not.toMatch(/Did you mean|AVAILABLE"|totalCount|"first"|"status"|CodeStatus", or/);
      expect(result.message).toBe(message.replace(/ Did you mean .*\?$/, ''));
      // A document that does not fit the schema is a shape refusal; a variable's value, an input error.
      expect(result.extensions).toEqual(
        code === 'GRAPHQL_VALIDATION_FAILED' ? { code: 'BAD_USER_INPUT', reason: 'INVALID_QUERY' } : { code: 'BAD_USER_INPUT' },
      );
    });

    it.each(SUGGESTING)('keeps the suggestion for %s by default (development)', (_label, message, code) => {
      const result = formatGraphQLError({ message, extensions: { code } }, new GraphQLError(message));
      expect(result.message).toContain('Did you mean');
    });
  });
});
