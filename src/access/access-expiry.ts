import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AccessGrantsService } from './access-grants.service';

/** In processes that run jobs: every minute, ends the grants past their end date (AccessExpired events). */
@Injectable()
export class AccessExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessExpiry');
  private task?: PeriodicTask;

  constructor(
    private readonly grants: AccessGrantsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(60_000, async () => {
      try {
        let ended: number;
        do ended = await this.grants.expireDue();
        while (ended > 0);
      } catch (error) {
        this.logger.warn({ message: 'Access expiry failed; next round retries', error: String(error) });
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
