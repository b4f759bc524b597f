import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Signing per the Standard Webhooks specification (standardwebhooks.com). */

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key of a secret (the base64 after `whsec_`; a bare base64 secret is accepted too, as the reference libraries do). */
function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('Not a webhook secret');
  return key;
}

function signature(secret: string, id: string, timestampSeconds: number, body: string): Buffer {
  return createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest();
}

/** The `webhook-signature` header: one `v1,<base64>` per secret, space-separated (current and, while rotating, previous). */
export function signWebhook(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => `v1,${signature(secret, id, timestampSeconds, body).toString('base64')}`).join(' ');
}

/** Why a delivery did not verify. */
export class WebhookVerificationError extends Error {}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a delivery as a receiver would: the signature matches one `v1` entry (constant-time) and
 * the timestamp is within the tolerance (against replays). Throws WebhookVerificationError; answers
 * the webhook id otherwise.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderBag,
  body: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) }: { toleranceSeconds?: number; nowSeconds?: number } = {},
): string {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp');
  const seconds = Number(timestamp);
  if (Math.abs(nowSeconds - seconds) > toleranceSeconds) throw new WebhookVerificationError('Timestamp outside the tolerance');
  const expected = signature(secret, id, seconds, body);
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('No matching signature');
  return id;
}
