import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DomainEvent, EventClass } from './domain-event';
import { EVENT_HANDLER, EventDelivery, EventHandlerMetadata, EventPhase } from './event-handler';

export interface RegisteredHandler {
  /** Stable name (`Class.method`): part of the delivery job id and of the event's pending handlers, so keep it when refactoring. */
  key: string;
  /** The classes it handles, by type: a delivered event is rebuilt as its own class. */
  events: ReadonlyMap<string, EventClass>;
  /** `delivery` is given to after-commit handlers, run by a queue job. */
  handle(event: DomainEvent, delivery?: EventDelivery): Promise<unknown>;
}

@Injectable()
export class EventHandlerRegistry implements OnModuleInit {
  private readonly byPhase: Record<EventPhase, Map<string, RegisteredHandler[]>> = {
    'in-transaction': new Map(),
    'after-commit': new Map(),
  };
  private readonly byKey = new Map<string, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const meta = Reflect.getMetadata(EVENT_HANDLER, prototype[method] as object) as EventHandlerMetadata | undefined;
        if (!meta) continue;
        const key = `${metatype.name}.${method}`;
        const handler: RegisteredHandler = {
          key,
          events: new Map(meta.events.map((event) => [event.type, event])),
          handle: (event, delivery) =>
            (instance as Record<string, (e: DomainEvent, d?: EventDelivery) => Promise<unknown>>)[method](event, delivery),
        };
        for (const type of handler.events.keys()) {
          const list = this.byPhase[meta.phase].get(type) ?? [];
          list.push(handler);
          this.byPhase[meta.phase].set(type, list);
        }
        this.byKey.set(key, handler);
      }
    }
  }

  handlers(phase: EventPhase, type: string): RegisteredHandler[] {
    return this.byPhase[phase].get(type) ?? [];
  }

  byHandlerKey(key: string): RegisteredHandler | undefined {
    return this.byKey.get(key);
  }
}
