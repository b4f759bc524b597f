import { Inject, Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '@tessera/common';
import { JobQueue } from '@tessera/queue';
import { DataSource } from 'typeorm';
import { EVENTS_QUEUE } from './event-handler';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';
import { deliveryJob, deliveryJobId, type OutboxEvent } from './outbox-relay';
import { settleHandler } from './pending-handlers';

interface EventInFlight extends OutboxEvent {
  pendingHandlers: string[];
}

export interface RecoveryRound {
  /** Events looked at: a full batch means more may be waiting. */
  events: number;
  /** Delivery jobs the queue no longer held, queued again. */
  requeued: number;
}

/**
 * Finds the delivery jobs the queue lost after their event was relayed (Redis restarted without its
 * data, the inline queue's process ended) and queues them again under their own ids. Each pending
 * handler's job is asked for first: one the queue still holds unfinished is only slow and is left
 * alone, so it never runs twice; one the queue holds finished had its handler's end unrecorded
 * (Bull failed a job that stalled too often without the handler's last attempt seeing it), so
 * it is settled.
 */
@Injectable()
export class LostJobRecovery {
  private readonly logger = new Logger('OutboxRecovery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
  ) {}

  /**
   * One batch of events whose handlers are still pending a period after their relay. The rows are
   * claimed with SKIP LOCKED, so the sweepers of several processes never check one event at once,
   * and their relay time is pushed on: the next look comes a period later.
   */
  async recoverBatch(): Promise<RecoveryRound> {
    return this.dataSource.transaction(async (manager) => {
      const [events] = (await manager.query(
        `UPDATE domain_event SET relayed_at = now()
          WHERE id IN (SELECT id FROM domain_event
                        WHERE pending_handlers <> '{}' AND relayed_at < now() - make_interval(secs => $1)
                        ORDER BY relayed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt",
                  pending_handlers AS "pendingHandlers"`,
        [this.options.lostJobAfterMs / 1000, this.options.sweepBatchSize],
      )) as [EventInFlight[], number];
      const pending = events.flatMap(({ pendingHandlers, ...event }) =>
        pendingHandlers.map((handler) => ({ event, handler, jobId: deliveryJobId(event.id, handler) })),
      );
      const jobIds = pending.map(({ jobId }) => jobId);
      const held = await this.withinTimeout(this.queue.held(EVENTS_QUEUE, jobIds));
      const lost = [];
      for (const { event, handler, jobId } of pending) {
        const state = held.get(jobId);
        if (!state) lost.push(deliveryJob(event, handler));
        if (state === 'failed') {
          this.logger.error({ message: 'Event handler gave up: its job failed for good', eventId: event.id, type: event.type, handler });
        }
        if (state === 'completed' || state === 'failed') await settleHandler(manager, event.id, handler);
      }
      await this.withinTimeout(this.queue.addMany(EVENTS_QUEUE, lost));
      return { events: events.length, requeued: lost.length };
    });
  }

  private withinTimeout<T>(work: Promise<T>): Promise<T> {
    const { enqueueTimeoutMs } = this.options;
    return withTimeout(work, enqueueTimeoutMs, `The queue took longer than ${enqueueTimeoutMs} ms to answer (is Redis up?)`);
  }
}
