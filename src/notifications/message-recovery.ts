import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { NotificationsService } from './notifications.service';

/** In processes that run jobs: every sweep interval, re-queues unfinished messages past their deadline (lost job, dead sender). */
@Injectable()
export class MessageRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MessageRecovery');
  private task?: PeriodicTask;

  constructor(
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(this.config.outbox.sweepIntervalMs, () =>
      this.notifications.recoverOverdue().catch((error: unknown) => {
        this.logger.warn({ message: 'Message recovery failed; next round retries', error: String(error) });
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
