import type { ApiKeyScope } from './api-key-scope';

/**
 * Who is calling: a signed-in person, an organisation's system with an API key, a system serving
 * many organisations with a platform API key (only what its scopes list), or an operator at the
 * command line (trusted like a platform admin; never made from an HTTP request).
 */
export type Actor = UserActor | ApiKeyActor | PlatformKeyActor | OperatorActor;

export interface UserActor {
  kind: 'user';
  userId: string;
  isPlatformAdmin: boolean;
}

export interface ApiKeyActor {
  kind: 'apiKey';
  apiKeyId: string;
  organizationId: string;
}

/** A platform API key: not a platform admin; it may do only what its scopes name. */
export interface PlatformKeyActor {
  kind: 'platformKey';
  apiKeyId: string;
  scopes: ApiKeyScope[];
}

export interface OperatorActor {
  kind: 'operator';
}

export const OPERATOR: OperatorActor = { kind: 'operator' };

/** Platform admins and operators may act on every organisation (platform API keys only within their scopes). */
export function actsForPlatform(actor: Actor): boolean {
  return actor.kind === 'operator' || (actor.kind === 'user' && actor.isPlatformAdmin);
}

/** The id recorded as "who did it" in events and history (null for API keys and operators). */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/** Whether the caller is a platform API key holding the scope. */
export function holdsScope(actor: Actor, scope: ApiKeyScope): boolean {
  return actor.kind === 'platformKey' && actor.scopes.includes(scope);
}

/** The API key that acted, organisation's or platform's (null for people and operators). */
export function actorApiKeyId(actor: Actor): string | null {
  return actor.kind === 'apiKey' || actor.kind === 'platformKey' ? actor.apiKeyId : null;
}
