import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { InvitationsService } from './invitations.service';

/** In processes that run jobs: every minute, ends overdue invitations and frees the seats they held. */
@Injectable()
export class InvitationExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InvitationExpiry');
  private task?: PeriodicTask;

  constructor(
    private readonly invitations: InvitationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(60_000, async () => {
      try {
        const seats = await this.invitations.expireOverdue();
        if (seats) this.logger.log({ message: 'Expired invitations', seats });
      } catch (error) {
        this.logger.warn({ message: 'Invitation expiry failed; next round retries', error: String(error) });
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
