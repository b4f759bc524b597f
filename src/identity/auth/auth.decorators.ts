import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { Actor } from './actor';

export const ACCESS_RULE = Symbol('tessera:access-rule');
export type AccessRule = 'public' | 'signed-in' | 'platform-admin';

/** Anyone may call this, signed in or not (login, health). */
export const Public = () => SetMetadata<symbol, AccessRule>(ACCESS_RULE, 'public');

/** Only platform admins may call this. Without a rule, any signed-in caller may. */
export const PlatformAdminOnly = () => SetMetadata<symbol, AccessRule>(ACCESS_RULE, 'platform-admin');

export type RequestWithActor = Request & { actor?: Actor };

export function requestOf(context: ExecutionContext): RequestWithActor {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: RequestWithActor }>().req
    : context.switchToHttp().getRequest<RequestWithActor>();
}

/** The caller, as the auth guard found it. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor | undefined => requestOf(context).actor);
