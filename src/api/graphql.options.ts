import { ApolloDriverConfig } from '@nestjs/apollo';
import { DateTimeScalar, ErrorReason, formatGraphQLError, Loaders } from '@tessera/common';
import type { Request } from 'express';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { AppConfig } from '../config/config';
import { documentLimits } from './document-limits';
import { queryCostPlugin } from './query-cost';
import { requestLoggingPlugin } from './request-logging.plugin';

export interface GraphQLContext {
  req: Request;
  loaders: Loaders;
}

/**
 * The schema has no subscription type: graphql-js validates `subscription { x }` (no root type, so
 * no field to check) and only execution fails, as an internal error with a stack. Refused here, as
 * the caller's mistake (BAD_USER_INPUT through the formatter), before anything runs.
 */
export const NoSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') return;
    context.reportError(new GraphQLError('Subscriptions are not offered yet: send a query or a mutation.', { nodes: [node] }));
  },
});

/** Types the schema prints though no field names them (what `extensions` of an error may hold). */
export const ORPHANED_TYPES = [ErrorReason];

/** Apollo behind Nest: limits against abusive documents, our error contract, per-request loaders. */
export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
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
    plugins: [...(limits.plugins as unknown as NonNullable<ApolloDriverConfig['plugins']>), queryCostPlugin(maxCost), requestLoggingPlugin],
    validationRules: [NoSubscriptionsRule, ...limits.validationRules],
    parseOptions: { maxTokens },
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
  };
}
