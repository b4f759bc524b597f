import { newId } from '@tessera/common';

export interface EventMetadata {
  /** The organisation whose data the event concerns (tenancy of the audit log). */
  organizationId?: string | null;
  /** The user who caused it, when a person did. */
  actorId?: string | null;
}

/**
 * A fact that happened, named in the past tense. Subclasses set a unique static `type` and a
 * JSON-serialisable payload; the bus stores both in `domain_event` (audit log and outbox).
 */
export abstract class DomainEvent<P extends object = object> {
  static readonly type: string;

  id: string = newId();
  occurredAt: Date = new Date();
  organizationId: string | null;
  actorId: string | null;

  constructor(
    readonly payload: P,
    metadata: EventMetadata = {},
  ) {
    this.organizationId = metadata.organizationId ?? null;
    this.actorId = metadata.actorId ?? null;
  }

  get type(): string {
    return (this.constructor as EventClass).type;
  }
}

export type EventClass<E extends DomainEvent = DomainEvent> = (abstract new (...args: never[]) => E) & { type: string };
