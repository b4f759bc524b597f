import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { ApolloDriverConfig } from '@nestjs/apollo';
import { DateTimeScalar, ErrorReason, formatGraphQLError, Loaders, requestShapeError } from '@tessera/common';
import type { Request } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/config';
import type { Authenticator } from '../identity/auth/authenticator';
import { documentLimits } from './document-limits';
import { queryCostPlugin } from './query-cost';
import { requestLoggingPlugin } from './request-logging.plugin';
import { subscriptionOptions, SUBSCRIPTIONS_PATH } from './subscriptions';

export interface GraphQLContext {
  req: Request;
  loaders: Loaders;
}

/**
 * A subscription sent over HTTP: Apollo would execute it as a query (one result, the subscription
 * field resolved without an event) and fail inside. Refused once the operation is known (a field
 * that does not exist is refused before, by validation), pointing at the WebSocket.
 */
export const subscriptionsOverWebSocketPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw requestShapeError(
          ErrorReason.INVALID_QUERY,
          `Subscriptions run over WebSocket (the graphql-ws protocol) at ${SUBSCRIPTIONS_PATH}, not over HTTP.`,
        );
      },
    };
  },
};

/** Types the schema prints though no field names them (what `extensions` of an error may hold). */
export const ORPHANED_TYPES = [ErrorReason];

/** What the subscriptions' WebSocket needs beside the configuration. */
export interface GraphQLDependencies {
  authenticator: Authenticator;
  /** The schema once built (GraphQLSchemaHost's). */
  schema: () => GraphQLSchema;
}

/** Apollo behind Nest: limits against abusive documents, our error contract, per-request loaders; subscriptions over WebSocket. */
export function graphqlOptions(config: AppConfig, { authenticator, schema }: GraphQLDependencies): ApolloDriverConfig {
  const { maxDepth, maxAliases, maxCost, maxTokens, introspection } = config.graphql;
  // "Did you mean …?" tells the schema, one misspelling at a time: none in production, nor
  // wherever introspection is off.
  const hideSuggestions = config.env === 'production' || !introspection;
  const limits = documentLimits({ maxDepth, maxAliases });
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // The auth guard also runs on field resolvers: there it only holds platform API keys to their
    // scopes (a field that reads more, e.g. a code's send history, refuses them unless it names one).
    fieldResolverEnhancers: ['guards'],
    // Dates parse strictly: Nest's own DateTime would take 2026-02-30 as 2 March.
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }], orphanedTypes: ORPHANED_TYPES },
    introspection,
    playground: false,
    context: ({ req }: { req: Request }): GraphQLContext => ({ req, loaders: new Loaders() }),
    // Apollo's own switch covers validation errors only; variables' coercion errors (an enum value
    // misspelt in variables) reach the formatter with their suggestion, so it strips them too.
    hideSchemaDetailsFromClientErrors: hideSuggestions,
    formatError: (formatted, error) => formatGraphQLError(formatted, error, { hideSuggestions }),
    // Armor is built against the CommonJS typings of @apollo/server, Nest's driver the ESM ones.
    plugins: [
      ...(limits.plugins as unknown as NonNullable<ApolloDriverConfig['plugins']>),
      queryCostPlugin(maxCost),
      subscriptionsOverWebSocketPlugin,
      requestLoggingPlugin,
    ],
    validationRules: limits.validationRules,
    parseOptions: { maxTokens },
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    subscriptions: {
      'graphql-ws': subscriptionOptions({
        schema,
        authenticator,
        validationRules: limits.validationRules,
        maxCost,
        maxTokens,
        hideSuggestions,
      }),
    },
  };
}
