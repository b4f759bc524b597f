import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ForbiddenError, UnauthenticatedError } from '@tessera/common';
import { actsForPlatform, type Actor } from './actor';
import { ApiKeyScope, REQUIRED_SCOPE, scopeLabel } from './api-key-scope';
import { ACCESS_RULE, AccessRule, requestOf } from './auth.decorators';
import { Authenticator, readCredential } from './authenticator';

/**
 * Global guard: finds the caller from `Authorization: Bearer <token or API key>` (or `X-Api-Key`)
 * and applies the operation's rule. A subscription's caller was found when its WebSocket connected. Organisation-level checks happen in the services, against the
 * organisation that owns the data. A platform API key passes only an operation that names one of
 * its scopes (`@RequiresScope`), whatever the operation's rule: deny by default, in this one place.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isFieldResolver(context)) {
      // The operation was checked already (its actor is on the request); a field only narrows a platform key.
      const actor = requestOf(context)?.actor;
      return actor?.kind === 'platformKey' ? this.checkScope(context, actor) : true;
    }
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]) ?? 'signed-in';
    const request = requestOf(context);
    if (!request) return rule === 'public';
    const credential = readCredential(request.headers);
    if (credential && !request.actor) {
      try {
        request.actor = await this.authenticator.authenticate(credential);
      } catch (error) {
        // A stale token must not stop anyone from signing in again.
        if (rule !== 'public') throw error;
      }
    }
    if (request.actor?.kind === 'platformKey') return this.checkScope(context, request.actor);
    if (rule === 'public') return true;
    if (!request.actor) throw new UnauthenticatedError();
    if (rule === 'platform-admin' && !actsForPlatform(request.actor)) {
      throw new ForbiddenError('Only platform admins may do this.');
    }
    return true;
  }

  /** The operation's scope stands in for its rule (a platform-admin operation too); the services check the scope again. */
  private checkScope(context: ExecutionContext, actor: Extract<Actor, { kind: 'platformKey' }>): boolean {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (!scope)
      throw new ForbiddenError('A platform API key may use only operations and fields that name one of its scopes; this one names none.');
    if (!actor.scopes.includes(scope)) {
      throw new ForbiddenError(`This needs the API key scope ${scopeLabel(scope)}, which this platform API key does not hold.`);
    }
    return true;
  }
}

/** A field of an object type (a `@ResolveField`), not a query or mutation itself. */
function isFieldResolver(context: ExecutionContext): boolean {
  if (context.getType<string>() !== 'graphql') return false;
  const parent = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().parentType.name;
  return parent !== 'Query' && parent !== 'Mutation' && parent !== 'Subscription';
}
