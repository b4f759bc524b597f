import { Logger } from '@nestjs/common';
import type { Job } from '@tessera/queue';
import type { DataSource } from 'typeorm';
import { DomainEvent } from './domain-event';
import { EventDeliveryProcessor } from './event-delivery.processor';
import type { EventHandlerRegistry, RegisteredHandler } from './event-handler.registry';
import type { DeliverEventJob } from './outbox-relay';

class ThingMade extends DomainEvent<{ name: string }> {
  static override readonly type = 'test.ThingMade';
}

const EVENT_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const KEY = 'Listener.onThingMade';
const SETTLE = expect.stringContaining('array_remove(pending_handlers, $2)');

/** A processor whose one handler does what `handle` does, over a data source that records its SQL. */
function setUp(handle: RegisteredHandler['handle'] = async () => undefined) {
  const handler: RegisteredHandler = { key: KEY, events: new Map([[ThingMade.type, ThingMade]]), handle: jest.fn(handle) };
  const registry = { byHandlerKey: (key: string) => (key === KEY ? handler : undefined) } as unknown as EventHandlerRegistry;
  const query = jest.fn(async (_sql: string, _parameters?: unknown[]): Promise<unknown> => []);
  const findOneBy = jest.fn(async () => null);
  const dataSource = { query, getRepository: () => ({ findOneBy }) } as unknown as DataSource;
  return { processor: new EventDeliveryProcessor(dataSource, registry), handler, query };
}

function job(options: { attemptsMade?: number; attempts?: number; handler?: string; type?: string; carried?: boolean } = {}) {
  const { attemptsMade = 0, attempts = 5, handler = KEY, type = ThingMade.type, carried = true } = options;
  const event = { id: EVENT_ID, type, organizationId: null, actorId: null, payload: { name: 'x' }, occurredAt: '2030-01-01T00:00:00Z' };
  return {
    id: `${EVENT_ID}:${handler}`,
    queue: 'events',
    name: 'deliver',
    data: { eventId: EVENT_ID, handler, ...(carried ? { event } : {}) },
    attemptsMade,
    attempts,
    progress: async () => undefined,
  } as Job<DeliverEventJob>;
}

describe('EventDeliveryProcessor: the event’s pending handlers', () => {
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('removes the handler’s key once it has finished, not before', async () => {
    const { processor, handler, query } = setUp(async () => {
      expect(query).not.toHaveBeenCalled();
    });
    await expect(processor.deliver(job())).resolves.toBe('DELIVERED');
    expect(handler.handle).toHaveBeenCalledTimes(1);
    expect(query.mock.calls).toEqual([[SETTLE, [EVENT_ID, KEY]]]);
  });

  it.each([
    ['the handler is gone', { handler: 'Gone.handler' }, 'Gone.handler'],
    ['the handler no longer takes the type', { type: 'test.Unrelated' }, KEY],
    ['the event is gone', { carried: false }, KEY],
  ])('removes the key when there is nothing to deliver: %s', async (_case, options, key) => {
    const { processor, handler, query } = setUp();
    await expect(processor.deliver(job(options))).resolves.toBe('SKIPPED');
    expect(handler.handle).not.toHaveBeenCalled();
    expect(query.mock.calls).toEqual([[SETTLE, [EVENT_ID, key]]]);
  });

  it('leaves the key pending when a try that will be retried throws', async () => {
    const { processor, query } = setUp(async () => {
      throw new Error('SMTP down');
    });
    await expect(processor.deliver(job({ attemptsMade: 3, attempts: 5 }))).rejects.toThrow('SMTP down');
    expect(query).not.toHaveBeenCalled();
    expect(logError).not.toHaveBeenCalled();
  });

  it('removes the key and logs an error when the last try throws, and still fails the job with the handler’s error', async () => {
    const { processor, handler, query } = setUp(async () => {
      throw new Error('SMTP down');
    });
    await expect(processor.deliver(job({ attemptsMade: 4, attempts: 5 }))).rejects.toThrow('SMTP down');
    expect(handler.handle).toHaveBeenCalledWith(expect.any(ThingMade), { attempt: 5, lastAttempt: true });
    expect(query.mock.calls).toEqual([[SETTLE, [EVENT_ID, KEY]]]);
    expect(logError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Event handler gave up', eventId: EVENT_ID, type: ThingMade.type, handler: KEY }),
    );
  });

  it('fails a last try with the handler’s error even when removing the key fails too', async () => {
    const { processor, query } = setUp(async () => {
      throw new Error('SMTP down');
    });
    query.mockRejectedValueOnce(new Error('connection lost'));
    await expect(processor.deliver(job({ attemptsMade: 0, attempts: 1 }))).rejects.toThrow('SMTP down');
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('fails the job (to be retried) when the key cannot be removed after the handler finished', async () => {
    const { processor, query } = setUp();
    query.mockRejectedValueOnce(new Error('connection lost'));
    await expect(processor.deliver(job())).rejects.toThrow('connection lost');
  });
});
