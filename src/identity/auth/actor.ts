/** Who is calling: a signed-in person, or an organisation's system with an API key. */
export type Actor = UserActor | ApiKeyActor;

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

/** The id recorded as "who did it" in events and history (null for API keys). */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}
