import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';
import { LostJobRecovery } from './lost-job-recovery';
import { OutboxRelay } from './outbox-relay';

/**
 * Every few seconds, relays what the after-commit relay did not (crash, Redis outage), and queues
 * again the delivery jobs the queue lost after their relay (Redis restarted empty).
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxSweeper');
  private task?: PeriodicTask;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly recovery: LostJobRecovery,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.sweep) return;
    this.task = runPeriodically(this.options.sweepIntervalMs, async () => {
      await this.sweepAll();
      await this.recoverLostJobs();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Sweeps until the outbox holds nothing older than the grace period. */
  async sweepAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const relayed = await this.relay.sweep();
        total += relayed;
        if (relayed < this.options.sweepBatchSize) break;
      }
    } catch (error) {
      this.logger.warn({ message: 'Outbox sweep failed; next round retries', error: String(error) });
    }
    if (total > 0) this.logger.log({ message: 'Outbox sweep relayed events', events: total });
    return total;
  }

  /** Looks for lost delivery jobs until no event is overdue; returns how many jobs it queued again. */
  async recoverLostJobs(): Promise<number> {
    let requeued = 0;
    try {
      for (;;) {
        const round = await this.recovery.recoverBatch();
        requeued += round.requeued;
        if (round.events < this.options.sweepBatchSize) break;
      }
    } catch (error) {
      this.logger.warn({ message: 'Lost job recovery failed; next round retries', error: String(error) });
    }
    if (requeued > 0) this.logger.warn({ message: 'Queued again event delivery jobs the queue had lost', jobs: requeued });
    return requeued;
  }
}
