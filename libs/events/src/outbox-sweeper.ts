import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';
import { OutboxRelay } from './outbox-relay';

/** Every few seconds, relays what the after-commit relay did not (crash, Redis outage). */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxSweeper');
  private task?: PeriodicTask;

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.sweep) this.task = runPeriodically(this.options.sweepIntervalMs, () => this.sweepAll());
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
}
