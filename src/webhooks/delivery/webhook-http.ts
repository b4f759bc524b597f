import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { forbiddenTargetError, guardedLookup, isForbiddenAddress } from '../webhook-target';

/** The most of a receiver's answer that is read (and kept in the delivery log). */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface PostWebhookOptions {
  /** The whole attempt, from DNS to the last byte read. */
  timeoutMs: number;
  /** Lets loopback and private targets through (tests, private installations). */
  allowPrivateTargets: boolean;
  /** node:net's dns.lookup signature; tests inject one. */
  lookup?: LookupFunction;
}

/** The receiver answered (any status, 3xx included: redirects are never followed). */
export interface WebhookHttpAnswer {
  statusCode: number;
  durationMs: number;
  /** The first 1 kB of the body, as text. */
  responseExcerpt: string;
  /** Retry-After in seconds, when the receiver sent one. */
  retryAfterSeconds: number | null;
}

/** No answer: a network error, a timeout, or a refused target, in words. */
export interface WebhookHttpFailure {
  error: string;
  durationMs: number;
}

export type WebhookHttpResult = WebhookHttpAnswer | WebhookHttpFailure;

/**
 * POSTs one delivery. The host is resolved once and every address checked before any socket opens;
 * the request then dials only those addresses (no second lookup a rebinding DNS could answer
 * differently). Never throws.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostWebhookOptions,
): Promise<WebhookHttpResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<WebhookHttpFailure>((resolve) => {
    deadline = setTimeout(() => resolve({ error: `Timed out after ${options.timeoutMs} ms`, durationMs: elapsed() }), options.timeoutMs);
  });
  const controller = new AbortController();
  try {
    return await Promise.race([timedOut, attempt(url, headers, body, options, controller.signal, elapsed)]);
  } finally {
    clearTimeout(deadline);
    controller.abort(); // ends a request the deadline overtook
  }
}

async function attempt(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostWebhookOptions,
  signal: AbortSignal,
  elapsed: () => number,
): Promise<WebhookHttpResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { error: 'Not a URL', durationMs: elapsed() };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return { error: `Unsupported scheme ${target.protocol}`, durationMs: elapsed() };
  const host = target.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = await resolveChecked(host, options);
  } catch (error) {
    return { error: describe(error), durationMs: elapsed() };
  }
  if (signal.aborted) return { error: 'Aborted', durationMs: elapsed() };

  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookHttpResult>((resolve) => {
    let settled = false;
    const settle = (result: WebhookHttpResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false, // a fresh connection each time: a pooled socket would skip the address check
      lookup: guardedLookup({ allowPrivateTargets: options.allowPrivateTargets, lookup: pinnedLookup(addresses) }),
      signal,
    });
    req.on('error', (error) => settle({ error: describe(error), durationMs: elapsed() }));
    req.on('response', (response) => readExcerpt(response, req.destroy.bind(req), elapsed, settle));
    req.end(body);
  });
}

function readExcerpt(
  response: IncomingMessage,
  destroy: () => void,
  elapsed: () => number,
  settle: (result: WebhookHttpResult) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const done = () => {
    const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES);
    settle({
      statusCode: response.statusCode ?? 0,
      durationMs: elapsed(),
      // PostgreSQL text holds no NUL; a cut multi-byte character becomes U+FFFD.
      responseExcerpt: excerpt.toString('utf8').replaceAll('\u0000', ''),
      retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
    });
  };
  response.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      done();
      destroy(); // the rest of a huge answer is never read
    }
  });
  response.on('end', done);
  response.on('error', done); // the status is known: a body cut short is still an answer
  response.on('aborted', done);
}

/** The host's addresses, each allowed; an IP literal is checked as it stands (it never reaches a lookup). */
function resolveChecked(host: string, options: PostWebhookOptions): Promise<LookupAddress[]> {
  if (isIP(host)) {
    if (!options.allowPrivateTargets && isForbiddenAddress(host)) return Promise.reject(forbiddenTargetError(host));
    return Promise.resolve([{ address: host, family: isIP(host) }]);
  }
  const lookup = guardedLookup({ allowPrivateTargets: options.allowPrivateTargets, lookup: options.lookup });
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error, result) => (error ? reject(error) : resolve(result as unknown as LookupAddress[])));
  });
}

/** A lookup that answers only the addresses already resolved and checked. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const usable = wanted.length > 0 ? wanted : addresses;
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
    else callback(null, usable[0].address, usable[0].family);
  };
}

/** Retry-After as seconds: a number, or an HTTP date from now. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by the receiver';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The host name does not resolve';
    default:
      return message || String(error);
  }
}
