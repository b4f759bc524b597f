import { createClient, type Client } from 'graphql-ws';

/**
 * A graphql-ws client for the app's WebSocket (`<url>/graphql`), as a frontend makes one: the
 * credential (a token or an API key) goes in connectionParams; none for an anonymous one. It does
 * not reconnect: a refused connection ends the subscription with the close event. Node's own
 * WebSocket carries it (the runtime of the npm scripts has one).
 */
export function subscriptionClient(baseUrl: string, credential?: string): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
    retryAttempts: 0,
  });
}

/** What a refused connection ends a subscription with: the WebSocket's close event. */
export interface ClosedConnection {
  code: number;
  reason: string;
}
