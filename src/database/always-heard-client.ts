import { Client, type ClientConfig } from 'pg';

/**
 * The pool's client class: a pg Client that always has an 'error' listener, so an error nobody else
 * is listening for cannot crash the process (an EventEmitter throws an 'error' it has no listener for).
 *
 * There is such a moment on every new connection. pg-pool takes its idle listener off as it hands the
 * client out, and TypeORM puts its own on a promise later; pg meanwhile parses the rest of the socket
 * chunk synchronously. When PostgreSQL shuts down just as the connection is made, a busy process reads
 * the start-up answer and the FATAL 57P01 in one chunk, and the FATAL lands in that gap.
 *
 * This listener does nothing else: pg has already marked the client unqueryable, so whoever holds it
 * gets "Client has encountered a connection error" (a database-unavailable error) on its next query,
 * and the pool discards it on release. The pool's and TypeORM's own listeners still act as before.
 */
export class AlwaysHeardClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
