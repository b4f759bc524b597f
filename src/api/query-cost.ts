import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { DEFAULT_PAGE_SIZE, ErrorReason, MAX_PAGE_SIZE, requestShapeError } from '@tessera/common';
import {
  DocumentNode,
  FieldNode,
  getNullableType,
  getVariableValues,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLField,
  GraphQLSchema,
  isListType,
  isObjectType,
  OperationDefinitionNode,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';

const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

/**
 * Fields counted before the count stops (graphql-query-complexity's guard): fragments spread
 * inside fragments multiply, and a short document could otherwise ask for billions.
 */
export const MAX_COUNTED_FIELDS = 10_000;

/**
 * The cost of a field: 1, plus its selection once per item it may return. A page (a field taking
 * `first`/`last`) returns the page size asked — literal or from variables alike, the field's
 * default when none is given; a plain list counts as a default page; a connection's `edges` are
 * its page, already counted. So a query's cost is the most fields its answer can hold.
 */
export const pageSizeEstimator: ComplexityEstimator = ({ type, field, node, args, childComplexity }) =>
  // Introspection (`__schema`, `__type`) is left to GRAPHQL_INTROSPECTION, as the depth limit leaves it: tools' own query lists every type.
  field.name.startsWith('__') ? 1 : 1 + itemsAsked(type, field, node, args) * childComplexity;

function itemsAsked(
  parent: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  args: Record<string, unknown>,
): number {
  if (field.args.some((arg) => PAGE_SIZE_ARGUMENTS.includes(arg.name))) {
    // `args` holds the defaults too: only the sizes the query names (`last` alone must not count `first`'s default).
    const named = (node.arguments ?? [])
      .filter((argument) => PAGE_SIZE_ARGUMENTS.includes(argument.name.value))
      .map((argument) => args[argument.name.value])
      .filter((size): size is number => typeof size === 'number');
    const asked = named.length > 0 ? Math.max(...named) : typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
    // A page holds 1 to MAX_PAGE_SIZE items: a size out of range is refused by the field itself,
    // with its message on `first`, not by the count.
    return Math.min(Math.max(asked, 1), MAX_PAGE_SIZE);
  }
  return isListType(getNullableType(field.type)) && !isConnection(parent) ? DEFAULT_PAGE_SIZE : 1;
}

function isConnection(type: GraphQLCompositeType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return 'edges' in fields && 'pageInfo' in fields;
}

/**
 * The cost of the operation that will run, with its variables; undefined when the variables do
 * not fit their types (execution then refuses them, with their messages, before anything runs);
 * Infinity when the count stopped at MAX_COUNTED_FIELDS.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return undefined;
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: [pageSizeEstimator],
      maxQueryNodes: MAX_COUNTED_FIELDS,
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return Infinity;
    throw error;
  }
}

function tooCostly(cost: number, limit: number): GraphQLError {
  if (!Number.isFinite(cost)) {
    return requestShapeError(
      ErrorReason.QUERY_TOO_COSTLY,
      `This query asks for more than ${MAX_COUNTED_FIELDS.toLocaleString('en')} fields (counted through its fragments); its cost may be at most ${limit}.`,
      { limit },
    );
  }
  return requestShapeError(
    ErrorReason.QUERY_TOO_COSTLY,
    `This query costs ${cost}, more than the ${limit} allowed: each field counts 1, and a page counts its selection once per item asked (first/last). Ask for smaller pages or fewer nested lists.`,
    { cost, limit },
  );
}

/** The refusal of an operation whose cost is over `limit`, with its numbers; undefined when it may run. */
export function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limit: number,
): GraphQLError | undefined {
  const cost = queryCost(schema, document, operation, variables);
  return cost !== undefined && cost > limit ? tooCostly(cost, limit) : undefined;
}

/**
 * Refuses an operation whose cost is over `limit`. It runs once the operation is known, as
 * graphql-query-complexity's documentation shows for Apollo: a validation rule cannot see the
 * variables, and a page size is as often a variable as a literal. (Subscriptions are counted the
 * same way when they start: see subscriptions.ts.)
 */
export function queryCostPlugin(limit: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation to run: Apollo refuses the request itself.
          if (!operation) return;
          const refusal = costRefusal(schema, document, operation, request.variables ?? {}, limit);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
