import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullJobQueue } from './bull-job-queue';
import { InlineJobQueue } from './inline-job-queue';
import { JobHandlerRegistry } from './job-handler.registry';
import { JobQueue } from './job-queue';
import { QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';

@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    const bull = options.redisUrl
      ? [
          BullModule.forRoot({
            redis: options.redisUrl,
            prefix: options.prefix,
            settings: { lockDuration: options.lockMs, stalledInterval: options.stalledCheckMs },
          }),
          BullModule.registerQueue(...options.queues.map((name) => ({ name }))),
        ]
      : [];
    return {
      module: QueueModule,
      global: true,
      imports: [DiscoveryModule, ...bull],
      providers: [
        { provide: QUEUE_OPTIONS, useValue: options },
        JobHandlerRegistry,
        { provide: JobQueue, useClass: options.redisUrl ? BullJobQueue : InlineJobQueue },
      ],
      exports: [JobQueue, JobHandlerRegistry],
    };
  }
}
