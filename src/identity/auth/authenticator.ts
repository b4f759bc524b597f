import { Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, ApiKeysService } from '../api-keys.service';
import type { Actor } from './actor';
import { TokenService } from './token.service';

/** Headers (or connection parameters) as received: names in lower case. */
export type CredentialHeaders = Record<string, string | string[] | undefined>;

/**
 * Who presents a credential: a bearer token (a person), or an API key (an organisation's or the
 * platform's). One answer for HTTP requests (the auth guard) and WebSocket connections (subscriptions).
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The caller; UnauthenticatedError, saying why, when the credential is not (or no longer) good. */
  authenticate(credential: string): Promise<Actor> {
    return credential.startsWith(API_KEY_PREFIX) ? this.apiKeys.authenticate(credential) : this.tokens.authenticate(credential);
  }
}

/** The credential of `X-Api-Key: <key>` or `Authorization: Bearer <token or API key>`. */
export function readCredential(headers: CredentialHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim()) return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}
