import { Inject, Injectable } from '@nestjs/common';
import { withTimeout } from '@tessera/common';
import { JobQueue } from '@tessera/queue';
import { DataSource } from 'typeorm';
import { DELIVER_EVENT_JOB, EVENTS_QUEUE } from './event-handler';
import { EventHandlerRegistry } from './event-handler.registry';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';

export interface DeliverEventJob {
  eventId: string;
  handler: string;
}

/**
 * Moves committed events from the outbox to the job queue: one delivery job per event and
 * after-commit handler, with an id made of both so a second relay of the same event adds nothing.
 * Rows are claimed with SKIP LOCKED, so the after-commit relay and the sweepers of several
 * processes never relay one event at the same time.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly registry: EventHandlerRegistry,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
  ) {}

  /** Relays the given events if they are still in the outbox; returns how many it relayed. */
  async relay(eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      // Marked and locked in one statement; the mark commits only once the jobs are in the queue,
      // so a queue that fails leaves the events for the sweeper.
      const [events] = (await manager.query(
        `UPDATE domain_event SET relayed_at = now()
          WHERE id IN (SELECT id FROM domain_event WHERE id = ANY($1::uuid[]) AND relayed_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED)
        RETURNING id, type`,
        [eventIds],
      )) as [{ id: string; type: string }[], number];
      const jobs = events.flatMap((event) =>
        this.registry.handlers('after-commit', event.type).map((handler) => ({
          name: DELIVER_EVENT_JOB,
          data: { eventId: event.id, handler: handler.key } satisfies DeliverEventJob,
          options: { jobId: `${event.id}:${handler.key}` },
        })),
      );
      await withTimeout(
        this.queue.addMany(EVENTS_QUEUE, jobs),
        this.options.enqueueTimeoutMs,
        `Enqueue took longer than ${this.options.enqueueTimeoutMs} ms (is Redis up?)`,
      );
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
}
