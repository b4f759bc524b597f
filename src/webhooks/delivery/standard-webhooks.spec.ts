import { newWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError } from './standard-webhooks';

// The test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function headersOf(signature: string, timestamp = vector.timestamp, id = vector.id) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('standard webhooks', () => {
  it('signs the reference vector', () => {
    expect(signWebhook([vector.secret], vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('verifies the reference vector, answering the webhook id', () => {
    expect(verifyWebhook(vector.secret, headersOf(vector.signature), vector.body, { nowSeconds: vector.timestamp + 10 })).toBe(vector.id);
    // A fetch-style Headers object and the bare base64 secret work too.
    const fetchHeaders = new Headers(headersOf(vector.signature));
    expect(verifyWebhook('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', fetchHeaders, vector.body, { nowSeconds: vector.timestamp })).toBe(vector.id);
  });

  it('makes secrets in the whsec_ format from 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('carries one signature per secret while rotating, and each secret verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const header = signWebhook([current, previous], 'evt_1', 1700000000, '{}');
    const entries = header.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.startsWith('v1,'))).toBe(true);
    for (const secret of [current, previous]) {
      expect(verifyWebhook(secret, headersOf(header, 1700000000, 'evt_1'), '{}', { nowSeconds: 1700000000 })).toBe('evt_1');
    }
    expect(() => verifyWebhook(newWebhookSecret(), headersOf(header, 1700000000, 'evt_1'), '{}', { nowSeconds: 1700000000 })).toThrow(
      'No matching signature',
    );
  });

  it.each([
    [
      'a changed body',
      () => verifyWebhook(vector.secret, headersOf(vector.signature), '{"test": 2432232315}', { nowSeconds: vector.timestamp }),
      'No matching signature',
    ],
    [
      'another id',
      () =>
        verifyWebhook(vector.secret, headersOf(vector.signature, vector.timestamp, 'msg_other'), vector.body, {
          nowSeconds: vector.timestamp,
        }),
      'No matching signature',
    ],
    [
      'a changed timestamp',
      () => verifyWebhook(vector.secret, headersOf(vector.signature, vector.timestamp + 1), vector.body, { nowSeconds: vector.timestamp }),
      'No matching signature',
    ],
    [
      'a stale timestamp',
      () => verifyWebhook(vector.secret, headersOf(vector.signature), vector.body, { nowSeconds: vector.timestamp + 301 }),
      'tolerance',
    ],
    [
      'a future timestamp',
      () => verifyWebhook(vector.secret, headersOf(vector.signature), vector.body, { nowSeconds: vector.timestamp - 301 }),
      'tolerance',
    ],
    [
      'a non-numeric timestamp',
      () => verifyWebhook(vector.secret, { ...headersOf(vector.signature), 'webhook-timestamp': '1e9' }, vector.body),
      'Invalid',
    ],
    [
      'a missing signature',
      () => verifyWebhook(vector.secret, { 'webhook-id': vector.id, 'webhook-timestamp': '1' }, vector.body),
      'Missing',
    ],
    [
      'an unknown version',
      () => verifyWebhook(vector.secret, headersOf(vector.signature.replace('v1,', 'v2,')), vector.body, { nowSeconds: vector.timestamp }),
      'No matching signature',
    ],
    [
      'a truncated signature',
      () => verifyWebhook(vector.secret, headersOf(vector.signature.slice(0, 20)), vector.body, { nowSeconds: vector.timestamp }),
      'No matching signature',
    ],
  ])('refuses %s', (_, verify, message) => {
    expect(verify).toThrow(WebhookVerificationError);
    expect(verify).toThrow(message);
  });

  it('accepts the tolerance boundary and a custom tolerance', () => {
    expect(verifyWebhook(vector.secret, headersOf(vector.signature), vector.body, { nowSeconds: vector.timestamp + 300 })).toBe(vector.id);
    expect(() =>
      verifyWebhook(vector.secret, headersOf(vector.signature), vector.body, { nowSeconds: vector.timestamp + 61, toleranceSeconds: 60 }),
    ).toThrow('tolerance');
  });
});
