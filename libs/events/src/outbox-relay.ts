import { Inject, Injectable } from '@nestjs/common';
import { withTimeout } from '@tessera/common';
import { JobQueue, type NewJob } from '@tessera/queue';
import { DataSource } from 'typeorm';
import { DELIVER_EVENT_JOB, EVENTS_QUEUE } from './event-handler';
import { EventHandlerRegistry } from './event-handler.registry';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';

/** An event as the outbox holds it, and as a delivery job carries it. */
export interface OutboxEvent {
  id: string;
  type: string;
  organizationId: string | null;
  actorId: string | null;
  payload: object;
  occurredAt: Date;
}

export interface DeliverEventJob {
  eventId: string;
  handler: string;
  /** The event itself, so delivery need not read it back (absent in jobs queued before it was carried). */
  event?: Omit<OutboxEvent, 'occurredAt'> & { occurredAt: string | Date };
}

/** One job per event and handler: a second add of the same pair is ignored while the queue holds the first. */
export function deliveryJobId(eventId: string, handlerKey: string): string {
  return `${eventId}:${handlerKey}`;
}

export function deliveryJob(event: OutboxEvent, handlerKey: string): NewJob<DeliverEventJob> {
  return {
    name: DELIVER_EVENT_JOB,
    data: { eventId: event.id, handler: handlerKey, event },
    options: { jobId: deliveryJobId(event.id, handlerKey) },
  };
}

/**
 * Moves committed events from the outbox to the job queue: one delivery job per event and
 * after-commit handler, with an id made of both so a second relay of the same event adds nothing
 * while the first job is known. Delivery is at least once: handlers tolerate a repeat.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly registry: EventHandlerRegistry,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
  ) {}

  /**
   * Relays events its own transaction has just committed, as they are in memory: queued first,
   * then marked relayed in one statement. A failure in between leaves them for the sweeper.
   */
  async relayCommitted(events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.enqueue(events);
    await this.dataSource.query(`UPDATE domain_event SET relayed_at = now() WHERE id = ANY($1::uuid[]) AND relayed_at IS NULL`, [
      events.map((event) => event.id),
    ]);
  }

  /**
   * Relays the given events if they are still in the outbox; returns how many it relayed. The rows
   * are claimed with SKIP LOCKED, so the sweepers of several processes never relay one event at the
   * same time, and the claim commits only once the jobs are in the queue.
   */
  async relay(eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const [events] = (await manager.query(
        `UPDATE domain_event SET relayed_at = now()
          WHERE id IN (SELECT id FROM domain_event WHERE id = ANY($1::uuid[]) AND relayed_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED)
        RETURNING id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt"`,
        [eventIds],
      )) as [OutboxEvent[], number];
      await this.enqueue(events);
      return events.length;
    });
  }

  /** Relays events left in the outbox for longer than the grace period (crash, Redis outage). */
  async sweep(): Promise<number> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM domain_event
        WHERE relayed_at IS NULL AND occurred_at < now() - make_interval(secs => $1)
        ORDER BY occurred_at LIMIT $2`,
      [this.options.sweepAfterMs / 1000, this.options.sweepBatchSize],
    );
    return this.relay(rows.map((row) => row.id));
  }

  private async enqueue(events: OutboxEvent[]): Promise<void> {
    const jobs = events.flatMap((event) =>
      this.registry.handlers('after-commit', event.type).map((handler) => deliveryJob(event, handler.key)),
    );
    await withTimeout(
      this.queue.addMany(EVENTS_QUEUE, jobs),
      this.options.enqueueTimeoutMs,
      `Enqueue took longer than ${this.options.enqueueTimeoutMs} ms (is Redis up?)`,
    );
  }
}
