/**
 * Who is calling: a signed-in person, an organisation's system with an API key, or an operator
 * at the command line (trusted like a platform admin; never made from an HTTP request).
 */
export type Actor = UserActor | ApiKeyActor | OperatorActor;

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

export interface OperatorActor {
  kind: 'operator';
}

export const OPERATOR: OperatorActor = { kind: 'operator' };

/** Platform admins and operators may act on every organisation. */
export function actsForPlatform(actor: Actor): boolean {
  return actor.kind === 'operator' || (actor.kind === 'user' && actor.isPlatformAdmin);
}

/** The id recorded as "who did it" in events and history (null for API keys and operators). */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}
