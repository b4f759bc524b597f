import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { AppErrorFilter, createValidationPipe, newId } from '@tessera/common';
import { EventsModule } from '@tessera/events';
import { QueueModule } from '@tessera/queue';
import type { Request, Response } from 'express';
import { ClsModule } from 'nestjs-cls';
import { AccessModule } from './access/access.module';
import { ApiModule } from './api/api.module';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source.options';
import { ContractsModule } from './contracts/contracts.module';
import { DistributionModule } from './distribution/distribution.module';
import { IdentityModule } from './identity/identity.module';
import { InvitationsModule } from './invitations/invitations.module';
import { INVENTORY_QUEUE } from './inventory/code-generation.service';
import { QUEUES } from './queues';
import { InventoryModule } from './inventory/inventory.module';
import { LiveProgressModule } from './live-progress/live-progress.module';
import { NotificationsModule } from './notifications/notifications.module';
import { WebPagesModule } from './web-pages/web-pages.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The database to use (the embedded one's URL in zero-setup mode). */
  databaseUrl: string;
  /** Serve HTTP (API processes) or not (worker processes, the CLI). */
  http: boolean;
  /** More modules to load (tests add their own event handlers). */
  extraModules?: Type[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

@Module({})
export class AppModule {
  static register({ config, databaseUrl, http, extraModules = [] }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: http,
            generateId: true,
            idGenerator: (req: Request) => {
              const given = req.headers['x-request-id'];
              return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
            },
            setup: (cls, _req: Request, res: Response) => {
              res.setHeader('x-request-id', cls.getId());
            },
          },
          plugins: [
            new ClsPluginTransactional({
              imports: [TypeOrmModule],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
            }),
          ],
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), autoLoadEntities: true }),
        QueueModule.forRoot({
          redisUrl: config.queue.redisUrl,
          prefix: config.queue.prefix,
          workers: config.queue.workers,
          concurrency: config.queue.concurrency,
          lockMs: config.queue.lockMs,
          stalledCheckMs: config.queue.stalledCheckMs,
          // Filling a batch is heavy (a transaction and a COPY stream): one at a time per worker.
          queueConcurrency: { [INVENTORY_QUEUE]: 1 },
          queues: QUEUES,
          defaultAttempts: 5,
          defaultBackoffMs: 1000,
        }),
        LiveProgressModule.forRoot({ redisUrl: config.queue.redisUrl, prefix: config.queue.prefix }),
        EventsModule.forRoot({
          sweep: config.queue.workers,
          sweepIntervalMs: config.outbox.sweepIntervalMs,
          sweepAfterMs: config.outbox.sweepAfterMs,
          lostJobAfterMs: config.outbox.lostJobAfterMs,
          sweepBatchSize: 500,
          enqueueTimeoutMs: 3000,
          secretKey: config.auth.tokenSecret!,
        }),
        IdentityModule,
        ContractsModule,
        InventoryModule,
        DistributionModule,
        NotificationsModule,
        AccessModule,
        InvitationsModule,
        WebhooksModule,
        ...(http ? [ApiModule, WebPagesModule] : []),
        ...extraModules,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AppErrorFilter },
      ],
    };
  }
}
