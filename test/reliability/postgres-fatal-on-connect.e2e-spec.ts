import { isDatabaseUnavailable } from '@tessera/common';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { DataSource, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { databaseUrl, TEST_SERVER_URL, withAdminConnection } from '../../libs/testing/src/test-environment';

/**
 * A loopback proxy to PostgreSQL that, for the connection it is armed for, holds the server's
 * start-up answer, has the server terminate that one backend (57P01, as a shutdown does), and passes
 * the start-up answer and the FATAL on in ONE chunk: what a busy process reads when PostgreSQL stops
 * just as a connection is made. pg parses a chunk synchronously, so the FATAL reaches the client after
 * pg-pool has taken its idle listener off and before TypeORM (a promise later) has put its own on.
 */
class CoalescingProxy {
  private armed = false;
  /** Set once the armed connection's start-up answer and FATAL went out in one write. */
  delivered: Promise<void>;
  private markDelivered!: () => void;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly terminate: (pid: number) => Promise<void>,
  ) {
    this.delivered = new Promise((resolve) => (this.markDelivered = resolve));
  }

  static async start(upstream: URL, terminate: (pid: number) => Promise<void>): Promise<CoalescingProxy> {
    const server = createServer();
    const proxy = new CoalescingProxy(server, terminate);
    server.on('connection', (socket) => proxy.accept(socket, upstream));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** The next connection made through the proxy gets the FATAL with its start-up answer. */
  armNext(): void {
    this.armed = true;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, upstream: URL): void {
    const server = connect(Number(upstream.port || 5432), upstream.hostname);
    this.sockets.add(client).add(server);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.end());
    client.pipe(server);
    if (!this.armed) {
      server.pipe(client);
      return;
    }
    this.armed = false;
    let held = Buffer.alloc(0);
    let terminating = false;
    server.on('data', (chunk: Buffer) => {
      held = Buffer.concat([held, chunk]);
      const types = messageTypes(held);
      if (!terminating && types.some((m) => m.type === 'Z')) {
        terminating = true;
        const key = types.find((m) => m.type === 'K');
        if (!key) throw new Error('No BackendKeyData before ReadyForQuery.');
        void this.terminate(held.readInt32BE(key.offset + 5));
      }
      if (terminating && types.some((m) => m.type === 'E')) {
        client.write(held);
        held = Buffer.alloc(0);
        this.markDelivered();
      }
    });
  }
}

/** The complete backend messages in a buffer: type byte and where each starts. */
function messageTypes(buffer: Buffer): { type: string; offset: number }[] {
  const messages: { type: string; offset: number }[] = [];
  for (let offset = 0; offset + 5 <= buffer.length;) {
    const length = buffer.readInt32BE(offset + 1);
    if (offset + 1 + length > buffer.length) break;
    messages.push({ type: String.fromCharCode(buffer[offset]), offset });
    offset += 1 + length;
  }
  return messages;
}

describe('reliability: PostgreSQL terminates a connection just as the pool hands it out', () => {
  const serverUrl = process.env[TEST_SERVER_URL]!;
  const database = `tessera_test_${randomBytes(6).toString('hex')}`;
  let admin: DataSource;
  let proxy: CoalescingProxy;
  let dataSource: DataSource;
  const runners: QueryRunner[] = [];

  beforeAll(async () => {
    await withAdminConnection(serverUrl, (a) => a.query(`CREATE DATABASE ${database}`));
    admin = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, database) }).initialize();
    // Only the backend the proxy opened for this test is ever terminated.
    proxy = await CoalescingProxy.start(new URL(serverUrl), async (pid) => {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    });
    const url = new URL(databaseUrl(serverUrl, database));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    dataSource = await new DataSource(dataSourceOptions(url.toString())).initialize();
  });
  afterAll(async () => {
    for (const runner of runners) await runner.release().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await proxy?.close();
    await admin?.destroy();
    await withAdminConnection(serverUrl, (a) => a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  it('does not crash the process: the query on that connection fails as "unavailable" and the next one works', async () => {
    // The pool's one idle connection is taken, so the next query runner needs a new one.
    const holder = dataSource.createQueryRunner();
    runners.push(holder);
    await holder.connect();

    proxy.armNext();
    const runner = dataSource.createQueryRunner();
    runners.push(runner);
    await runner.connect();
    await proxy.delivered;

    const failure = await runner.query('SELECT 1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeDefined();
    expect(isDatabaseUnavailable(failure)).toBe(true);
    await runner.release();

    // The dead connection left the pool; a fresh one answers.
    await holder.release();
    await expect(dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});
