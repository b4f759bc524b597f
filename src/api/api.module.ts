import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { graphqlOptions } from './graphql.options';
import { HealthController } from './health.controller';
import { Authenticator } from '../identity/auth/authenticator';
import { IdentityModule } from '../identity/identity.module';
import { QueueBoard } from './queue-board';
import { QueueStatsResolver } from './queue-stats.resolver';

/** The HTTP face of the app: the GraphQL endpoint (and its WebSocket), health checks and the queue board. Not loaded by workers. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [IdentityModule],
      inject: [APP_CONFIG, Authenticator, GraphQLSchemaHost],
      useFactory: (config: AppConfig, authenticator: Authenticator, schemaHost: GraphQLSchemaHost) =>
        graphqlOptions(config, { authenticator, schema: () => schemaHost.schema }),
    }),
    IdentityModule,
  ],
  controllers: [HealthController],
  providers: [QueueStatsResolver, QueueBoard],
})
export class ApiModule {}
