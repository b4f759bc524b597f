import { Logger } from '@nestjs/common';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { ErrorReason, formatGraphQLError, Loaders, requestShapeError, UnauthenticatedError } from '@tessera/common';
import type { Request } from 'express';
import {
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../identity/auth/actor';
import { Authenticator, readCredential, type CredentialHeaders } from '../identity/auth/authenticator';
import type { GraphQLContext } from './graphql.options';
import { costRefusal } from './query-cost';

/** Where the WebSocket is: the GraphQL endpoint's own path (ws:// or wss://). */
export const SUBSCRIPTIONS_PATH = '/graphql';
/** Subscriptions one connection may run at once: a screen follows a few operations; more is a leak or abuse. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
/** How long a new connection has to send its connection_init (and credentials) before it is closed (4408). */
export const CONNECTION_INIT_TIMEOUT_MS = 5_000;
/** A connection without good credentials is closed with graphql-ws's Unauthorized: its client does not retry it. */
export const UNAUTHENTICATED_CLOSE_CODE = 4401;
/** Credentials that could not be checked (the database away): "try again later", which clients retry. */
const TRY_AGAIN_CLOSE_CODE = 1013;
/** A WebSocket close reason holds at most 123 bytes. */
const CLOSE_REASON_BYTES = 123;

const logger = new Logger('Subscriptions');

/** What graphql-ws's `ws` adapter hands each connection. */
interface ConnectionExtra {
  socket: { close(code: number, reason: string): void };
  /** The HTTP upgrade request. The caller found when the connection opened rides on it, as on an HTTP request. */
  request: IncomingMessage & { actor?: Actor };
}

export interface SubscriptionSettings {
  /** The schema the API serves (built after these options). */
  schema: () => GraphQLSchema;
  authenticator: Authenticator;
  /** The document limits of HTTP requests (depth, aliases, directives), run after graphql-js's own rules. */
  validationRules: readonly ValidationRule[];
  maxCost: number;
  maxTokens: number;
  hideSuggestions: boolean;
}

/**
 * graphql-ws on the API's HTTP server (Nest's `subscriptions: { 'graphql-ws': … }`), for
 * subscriptions only: queries and mutations stay on HTTP, where cost, CSRF and the request log
 * apply. A connection is authenticated once, when it opens, with the token or API key HTTP takes
 * (`connectionParams: { authorization: 'Bearer …' }` or `{ 'x-api-key': … }`; the upgrade request's
 * own headers otherwise); each subscription then meets the same guard, tenancy checks, document
 * limits and error contract as an HTTP operation. (Nest's type names fewer graphql-ws hooks than
 * it passes on: onError is one graphql-ws documents.)
 */
export function subscriptionOptions(settings: SubscriptionSettings): GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'onError'> {
  const format = (error: GraphQLError, original: unknown = error): GraphQLFormattedError =>
    formatGraphQLError(error.toJSON(), original, { hideSuggestions: settings.hideSuggestions });
  return {
    path: SUBSCRIPTIONS_PATH,
    connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
    onConnect: (ctx) => authenticate(ctx, settings.authenticator),
    onSubscribe: (ctx, _id, payload) => prepare(ctx, payload, settings),
    // Results, and errors raised while a subscription starts or runs: the app's error contract, as on HTTP.
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors?.length ? { data: result.data, errors: result.errors.map((error) => format(error)) } : undefined,
    // graphql-ws wraps an error thrown between events without a path: the original is the one to format.
    onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error, error.originalError ?? error)),
  };
}

/**
 * Finds the caller from the connection's credentials. Without good ones, closes the connection with
 * 4401 and a reason that starts with the ErrorReason an HTTP request would get (`TOKEN_EXPIRED: …`).
 */
async function authenticate(ctx: Context, authenticator: Authenticator): Promise<boolean> {
  const { socket, request } = ctx.extra as ConnectionExtra;
  const credential = readCredential(lowerCaseNames(ctx.connectionParams)) ?? readCredential(request.headers);
  try {
    if (!credential) {
      throw new UnauthenticatedError(
        ErrorReason.SIGN_IN_REQUIRED,
        "Sign in first: send connectionParams { authorization: 'Bearer <token or API key>' }.",
      );
    }
    request.actor = await authenticator.authenticate(credential);
    return true;
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      socket.close(UNAUTHENTICATED_CLOSE_CODE, closeReason(`${String(error.details.reason)}: ${error.message}`));
    } else {
      logger.warn({ message: 'A WebSocket connection could not be authenticated', error: String(error) });
      socket.close(TRY_AGAIN_CLOSE_CODE, 'The credentials could not be checked just now: try again.');
    }
    // graphql-ws would close with 4403 too; the socket is closing already, so that second close does nothing.
    return false;
  }
}

/** The subscription to run, checked as an HTTP operation is; or the errors that refuse it. */
function prepare(ctx: Context, payload: SubscribePayload, settings: SubscriptionSettings) {
  // The one being prepared counts already.
  if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    return [
      new GraphQLError(
        `This connection runs ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions already, the most one may: complete one, or open another connection.`,
        { extensions: { code: 'BAD_USER_INPUT' } },
      ),
    ];
  }
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: settings.maxTokens });
  } catch (error) {
    return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
  }
  const schema = settings.schema();
  const invalid = validate(schema, document, [...specifiedRules, ...settings.validationRules]);
  if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) {
    return [
      withCode(
        new GraphQLError('Name the operation to run (operationName): the document holds several, or none by that name.'),
        'OPERATION_RESOLUTION_FAILURE',
      ),
    ];
  }
  if (operation.operation !== 'subscription') {
    return [
      requestShapeError(
        ErrorReason.INVALID_QUERY,
        `This WebSocket runs subscriptions only: send queries and mutations over HTTP (POST ${SUBSCRIPTIONS_PATH}).`,
      ),
    ];
  }
  const variables = payload.variables ?? {};
  const tooCostly = costRefusal(schema, document, operation, variables, settings.maxCost);
  if (tooCostly) return [tooCostly];
  const contextValue: GraphQLContext = {
    // Not an Express request: its headers, and the caller found when the connection opened, are what the guard reads.
    req: (ctx.extra as ConnectionExtra).request as unknown as Request,
    loaders: new Loaders(),
  };
  return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
}

/** The code Apollo gives the same error on HTTP, so the formatter answers it the same way. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/** connectionParams as headers: names in lower case, text values only. */
function lowerCaseNames(params: Record<string, unknown> | undefined): CredentialHeaders {
  const headers: CredentialHeaders = {};
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return headers;
}

function closeReason(message: string): string {
  const bytes = Buffer.from(message);
  if (bytes.length <= CLOSE_REASON_BYTES) return message;
  // Cut on a character boundary: U+FFFD would mark a cut inside one.
  return (
    bytes
      .subarray(0, CLOSE_REASON_BYTES - 3)
      .toString('utf8')
      .replace(/\uFFFD$/, '') + '…'
  );
}
