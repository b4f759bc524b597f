import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo, type LookupFunction } from 'node:net';
import { postWebhook, RESPONSE_EXCERPT_BYTES, retryAfterSeconds, type WebhookHttpAnswer, type WebhookHttpFailure } from './webhook-http';

/** A receiver on 127.0.0.1 whose behaviour each test sets. */
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base: string;
let port: number;
const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  received.length = 0;
  connections = 0;
});

afterEach(() => jest.restoreAllMocks());

const open = { timeoutMs: 2000, allowPrivateTargets: true };
const headers = { 'content-type': 'application/json', 'webhook-id': 'evt_1' };

function answer(result: unknown): WebhookHttpAnswer {
  expect(result).toHaveProperty('statusCode');
  return result as WebhookHttpAnswer;
}

function failure(result: unknown): WebhookHttpFailure {
  expect(result).not.toHaveProperty('statusCode');
  return result as WebhookHttpFailure;
}

/** A DNS that answers every name with the given address. */
function lookupTo(address: string): LookupFunction & jest.Mock {
  return jest.fn((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction & jest.Mock;
}

describe('postWebhook', () => {
  it('POSTs the body with its headers and reads a 200', async () => {
    handle = (_req, res) => res.end('thanks');
    const result = answer(await postWebhook(`${base}/hooks?a=1`, headers, '{"x":1}', open));
    expect(result).toEqual({ statusCode: 200, durationMs: expect.any(Number), responseExcerpt: 'thanks', retryAfterSeconds: null });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/hooks?a=1',
        headers: expect.objectContaining({ 'content-type': 'application/json', 'webhook-id': 'evt_1', 'content-length': '7' }),
        body: '{"x":1}',
      },
    ]);
  });

  it('reads a 500 with its Retry-After', async () => {
    handle = (_req, res) => res.writeHead(500, { 'retry-after': '120' }).end('down for maintenance');
    expect(answer(await postWebhook(base, headers, '{}', open))).toMatchObject({
      statusCode: 500,
      responseExcerpt: 'down for maintenance',
      retryAfterSeconds: 120,
    });
  });

  it('does not follow a redirect', async () => {
    handle = (req, res) => (req.url === '/moved' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.end('followed'));
    expect(answer(await postWebhook(`${base}/moved`, headers, '{}', open)).statusCode).toBe(302);
    expect(received.map((r) => r.url)).toEqual(['/moved']);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    handle = () => undefined; // never answers
    const result = failure(await postWebhook(base, headers, '{}', { ...open, timeoutMs: 300 }));
    expect(result.error).toBe('Timed out after 300 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('counts a slowly trickling body against the same timeout', async () => {
    handle = (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    };
    const result = failure(await postWebhook(base, headers, '{}', { ...open, timeoutMs: 400 }));
    expect(result.error).toBe('Timed out after 400 ms');
  });

  it('reads at most 1 kB of a huge answer and hangs up', async () => {
    let closedEarly!: Promise<boolean>;
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'é'.repeat(8 * 1024); // two bytes each: the cut can fall inside one
      let written = 0;
      closedEarly = new Promise((resolve) => {
        res.on('close', () => resolve(written < 64 * 1024 * 1024));
        const pump = () => {
          while (written < 64 * 1024 * 1024 && !res.destroyed) {
            written += chunk.length * 2;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    };
    const result = answer(await postWebhook(base, headers, '{}', open));
    expect(result.statusCode).toBe(200);
    expect(Buffer.byteLength(result.responseExcerpt)).toBeLessThanOrEqual(RESPONSE_EXCERPT_BYTES + 2);
    expect(result.responseExcerpt.startsWith('é'.repeat(511))).toBe(true);
    expect(await closedEarly).toBe(true);
  });

  it('keeps NUL characters out of the excerpt', async () => {
    handle = (_req, res) => res.end('a\u0000b');
    expect(answer(await postWebhook(base, headers, '{}', open)).responseExcerpt).toBe('ab');
  });

  it('reports a refused connection in words', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect(failure(await postWebhook(`http://127.0.0.1:${closedPort}/`, headers, '{}', open)).error).toBe('Connection refused');
  });

  it('dials the address the injected lookup gave for a name', async () => {
    handle = (_req, res) => res.end('ok');
    const lookup = lookupTo('127.0.0.1');
    const connect = jest.spyOn(Socket.prototype, 'connect'); // the spy the refusals below rely on does see a dial
    const result = answer(await postWebhook(`http://receiver.example.com:${port}/in`, headers, '{}', { ...open, lookup }));
    expect(result.statusCode).toBe(200);
    expect(received[0].headers.host).toBe(`receiver.example.com:${port}`);
    expect(lookup).toHaveBeenCalledTimes(1); // resolved once, then pinned: no second answer to rebind
    expect(connect).toHaveBeenCalledTimes(1);
  });

  describe('refuses internal targets without opening a socket', () => {
    it.each([
      ['a name resolving to 10.0.0.1', 'http://hooks.example.com/in', '10.0.0.1'],
      ['a name resolving to the metadata service', 'http://hooks.example.com/in', '169.254.169.254'],
      ['a name resolving to 127.0.0.1', `http://hooks.example.com:1/in`, '127.0.0.1'],
      ['a name resolving to ::ffff:127.0.0.1', 'https://hooks.example.com/in', '::ffff:127.0.0.1'],
      ['the IP literal 10.0.0.1', 'http://10.0.0.1/in', '10.0.0.1'],
      ['the IP literal 0x7f.1', 'http://0x7f.1/in', '127.0.0.1'],
      ['the IP literal [fd00:ec2::254]', 'http://[fd00:ec2::254]/in', 'fd00:ec2::254'],
    ])('%s', async (_, url, address) => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      const lookup = lookupTo(address);
      const result = failure(await postWebhook(url, headers, '{}', { timeoutMs: 2000, allowPrivateTargets: false, lookup }));
      expect(result.error).toMatch(/^Refused: .* internal address$/);
      expect(connect).not.toHaveBeenCalled();
      expect(connections).toBe(0);
    });
  });

  it('reports a name that does not resolve', async () => {
    const lookup = jest.fn((_h: string, _o: unknown, callback: (e: Error) => void) =>
      callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    ) as unknown as LookupFunction;
    const connect = jest.spyOn(Socket.prototype, 'connect');
    expect(failure(await postWebhook('https://nowhere.example.com/', headers, '{}', { ...open, lookup })).error).toBe(
      'The host name does not resolve',
    );
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['30', 30],
    [' 7 ', 7],
    ['soon', null],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 10],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
  ])('reads %p as %p', (value, seconds) => {
    expect(retryAfterSeconds(value, Date.parse('Wed, 21 Oct 2015 07:28:20 GMT'))).toBe(seconds);
  });
});
