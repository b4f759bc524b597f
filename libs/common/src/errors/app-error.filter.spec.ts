import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NotFoundError, RateLimitedError } from './app-error';
import { AppErrorFilter } from './app-error.filter';

/** An Express response that records what the filter sends. */
function fakeResponse(headersSent = false) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string>; removed: string[] } = { headers: {}, removed: [] };
  const response = {
    headersSent,
    setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => sent.removed.push(name.toLowerCase()),
    type: (type: string) => ((sent.headers['content-type'] = type), response),
    status: (status: number) => ((sent.status = status), response),
    json: (body: unknown) => ((sent.body = body), response),
  };
  return { response, sent };
}

function hostOf(type: 'http' | 'graphql', response: unknown): ArgumentsHost {
  return {
    getType: () => type,
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
}

describe('AppErrorFilter', () => {
  const filter = new AppErrorFilter();

  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('answers a database outage on a plain route with 503, Retry-After and a coded JSON body', () => {
    const { response, sent } = fakeResponse();
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

    expect(filter.catch(outage, hostOf('http', response))).toBeUndefined();

    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('5');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.removed).toContain('content-disposition'); // a download cut before its first byte is no file
    expect(sent.body).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('Try again'),
      retryable: true,
      retryAfterSeconds: 5,
    });
    expect(JSON.stringify(sent.body)).not.toContain('5432');
  });

  it('answers AppErrors with their status', () => {
    const { response, sent } = fakeResponse();
    filter.catch(new RateLimitedError(30), hostOf('http', response));
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('30');
    expect(sent.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
  });

  it('leaves a bug unanswered for Nest (a 500), and does not call it an outage', () => {
    const { response, sent } = fakeResponse();
    const bug = new TypeError('x is undefined');
    expect(filter.catch(bug, hostOf('http', response))).toBe(bug);
    expect(sent.status).toBeUndefined();
  });

  it('does not write to a response whose headers are gone (a download cut in the middle)', () => {
    const { response, sent } = fakeResponse(true);
    const outage = new Error('Connection terminated unexpectedly');
    expect(filter.catch(outage, hostOf('http', response))).toBe(outage);
    expect(sent.status).toBeUndefined();
  });

  it('hands errors back to GraphQL, where the formatter codes them', () => {
    const error = new NotFoundError('Code');
    expect(filter.catch(error, hostOf('graphql', undefined))).toBe(error);
    expect(filter.catch(new Error('Connection terminated unexpectedly'), hostOf('graphql', undefined))).toBeUndefined();
  });
});
