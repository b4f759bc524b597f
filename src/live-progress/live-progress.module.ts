import { DynamicModule, Module } from '@nestjs/common';
import { MemoryProgressChannel } from './memory-progress-channel';
import { ProgressChannel } from './progress-channel';
import { RedisProgressChannel } from './redis-progress-channel';

export interface LiveProgressOptions {
  /** Redis for progress between processes; without it, progress stays in this process (zero-setup mode). */
  redisUrl?: string;
  /** Channel names start with it (the queue prefix). */
  prefix: string;
}

/** The channel long operations publish their progress on, and subscriptions follow (global: inventory and distribution publish). */
@Module({})
export class LiveProgressModule {
  static forRoot(options: LiveProgressOptions): DynamicModule {
    return {
      module: LiveProgressModule,
      global: true,
      providers: [
        {
          provide: ProgressChannel,
          useFactory: () => (options.redisUrl ? new RedisProgressChannel(options.redisUrl, options.prefix) : new MemoryProgressChannel()),
        },
      ],
      exports: [ProgressChannel],
    };
  }
}
