import { createHash, randomBytes } from 'node:crypto';

/** The hash a secret token is stored as: SHA-256, hex. A token has 256 random bits, so no salt or slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new secret for a link (invitation, set-password) or a key: 256 random bits, URL-safe; store only `hash`. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}
