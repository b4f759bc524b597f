import { SetMetadata } from '@nestjs/common';
import { EventClass } from './domain-event';

export const EVENT_HANDLER = Symbol('tessera:event-handler');
export const EVENTS_QUEUE = 'events';
export const DELIVER_EVENT_JOB = 'deliver';

export type EventPhase = 'in-transaction' | 'after-commit';

/**
 * An after-commit handler's second argument: which try of the queue this is. A handler whose
 * failure must be recorded (work left RUNNING otherwise) records it when `lastAttempt` is true.
 */
export interface EventDelivery {
  /** 1 on the first run. */
  attempt: number;
  /** No retry follows a throw from this run. */
  lastAttempt: boolean;
}

export interface EventHandlerMetadata {
  /** The event classes the method handles (one or more). */
  events: EventClass[];
  phase: EventPhase;
}

/**
 * Runs inside the publishing transaction, before commit: for state that must change together
 * with the event. A throw rolls the whole transaction back.
 */
export const OnEventInTransaction = (event: EventClass): MethodDecorator =>
  SetMetadata<symbol, EventHandlerMetadata>(EVENT_HANDLER, { events: [event], phase: 'in-transaction' });

/**
 * Runs after commit, through the outbox and the job queue: at least once, retried with backoff, and
 * run again when the queue lost its job before it finished, so the handler must be idempotent
 * (reload by id, tolerate what has gone, skip what is done).
 * Several classes may share one handler (`@OnEventAfterCommit(A, B)`): it receives each as its own class.
 */
export const OnEventAfterCommit = (...events: [EventClass, ...EventClass[]]): MethodDecorator =>
  SetMetadata<symbol, EventHandlerMetadata>(EVENT_HANDLER, { events, phase: 'after-commit' });
