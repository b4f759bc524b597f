import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runPeriodically, type PeriodicTask } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PeopleImportService } from './people-import.service';

/** In processes that run jobs: every sweep interval, resumes RUNNING imports past their deadline (lost job, dead worker). */
@Injectable()
export class PeopleImportRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PeopleImportRecovery');
  private task?: PeriodicTask;

  constructor(
    private readonly imports: PeopleImportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.task = runPeriodically(this.config.outbox.sweepIntervalMs, () =>
      this.imports.resumeOverdue().then(
        ({ failed }) => this.imports.announceFailed(failed),
        (error: unknown) => this.logger.warn({ message: 'People import recovery failed; next round retries', error: String(error) }),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
