import { SetMetadata } from '@nestjs/common';
import { registerEnumType } from '@nestjs/graphql';

/**
 * What a platform API key may do. Stored as the strings integrators read in the docs
 * (`organizations:read`); the GraphQL enum shows the names.
 */
export enum ApiKeyScope {
  ORGANIZATIONS_READ = 'organizations:read',
  ORGANIZATIONS_WRITE = 'organizations:write',
  ORDERS_WRITE = 'orders:write',
  CODES_READ = 'codes:read',
}

registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'What a platform API key may do: it may call only the operations that name one of its scopes.',
  valuesMap: {
    ORGANIZATIONS_READ: { description: '`organizations:read` — find an organisation by its external reference.' },
    ORGANIZATIONS_WRITE: { description: '`organizations:write` — onboard organisations (provisionOrganization).' },
    ORDERS_WRITE: { description: "`orders:write` — record any organisation's orders (recordOrder)." },
    CODES_READ: { description: "`codes:read` — list any organisation's codes (codes)." },
  },
});

/** `CODES_READ (codes:read)`: the name a client sees in the schema and the string in the docs. */
export function scopeLabel(scope: ApiKeyScope): string {
  const name = Object.entries(ApiKeyScope).find(([, value]) => value === scope)?.[0] ?? scope;
  return `${name} (${scope})`;
}

export const REQUIRED_SCOPE = Symbol('tessera:required-scope');

/**
 * Platform API keys holding this scope may call the operation. Platform keys are refused every
 * operation without it (the auth guard): deny by default. People and organisation keys are
 * unaffected; the operation's own rule and the service's checks still apply to them.
 */
export const RequiresScope = (scope: ApiKeyScope) => SetMetadata<symbol, ApiKeyScope>(REQUIRED_SCOPE, scope);
