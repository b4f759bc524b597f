import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { DomainEvent } from './domain-event';
import { EventDeliveryProcessor } from './event-delivery.processor';
import { OnEventAfterCommit, OnEventInTransaction } from './event-handler';
import { EventHandlerRegistry } from './event-handler.registry';

class ThingMade extends DomainEvent<{ name: string }> {
  static override readonly type = 'test.ThingMade';
}
class ThingGone extends DomainEvent<{ name: string }> {
  static override readonly type = 'test.ThingGone';
}
class Unrelated extends DomainEvent {
  static override readonly type = 'test.Unrelated';
}

@Injectable()
class Listener {
  readonly seen: DomainEvent[] = [];

  @OnEventAfterCommit(ThingMade, ThingGone)
  async either(event: DomainEvent): Promise<void> {
    this.seen.push(event);
  }

  @OnEventAfterCommit(ThingGone)
  async gone(): Promise<void> {}

  @OnEventInTransaction(ThingMade)
  async inside(): Promise<void> {}
}

describe('EventHandlerRegistry', () => {
  async function registry() {
    const module = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [EventHandlerRegistry, Listener] }).compile();
    await module.init();
    return { registry: module.get(EventHandlerRegistry), listener: module.get(Listener) };
  }

  it('registers one handler for every class a decorator names', async () => {
    const { registry: r } = await registry();
    expect(r.handlers('after-commit', ThingMade.type).map((h) => h.key)).toEqual(['Listener.either']);
    expect(r.handlers('after-commit', ThingGone.type).map((h) => h.key)).toEqual(['Listener.either', 'Listener.gone']);
    expect(r.handlers('after-commit', Unrelated.type)).toEqual([]);
    expect(r.handlers('in-transaction', ThingMade.type).map((h) => h.key)).toEqual(['Listener.inside']);
    expect(r.handlers('in-transaction', ThingGone.type)).toEqual([]);
    expect([...r.byHandlerKey('Listener.either')!.events.keys()]).toEqual([ThingMade.type, ThingGone.type]);
  });

  it('delivers each event to a shared handler as its own class, and skips a type the handler no longer takes', async () => {
    const { registry: r, listener } = await registry();
    const processor = new EventDeliveryProcessor({ query: async () => [] } as unknown as DataSource, r);
    const job = (type: string, handler = 'Listener.either') => ({
      data: {
        eventId: 'e1',
        handler,
        event: { id: 'e1', type, organizationId: null, actorId: null, payload: { name: 'x' }, occurredAt: '2030-01-01T00:00:00Z' },
      },
    });
    await expect(processor.deliver(job(ThingGone.type) as never)).resolves.toBe('DELIVERED');
    await expect(processor.deliver(job(ThingMade.type) as never)).resolves.toBe('DELIVERED');
    expect(listener.seen.map((e) => e.constructor)).toEqual([ThingGone, ThingMade]);
    expect(listener.seen[0]).toMatchObject({ id: 'e1', payload: { name: 'x' }, occurredAt: new Date('2030-01-01T00:00:00Z') });
    await expect(processor.deliver(job(Unrelated.type) as never)).resolves.toBe('SKIPPED');
    expect(listener.seen).toHaveLength(2);
  });
});
