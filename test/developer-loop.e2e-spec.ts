import { Fixtures, freePort, TestApp } from '@tessera/testing';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(__dirname, '..', 'dist', 'src', 'main.js');

/** One operation's request-log record (LOG_FORMAT=json): what the plugin logged for it. */
interface OperationRecord {
  context: string;
  message: { message: string; operation: string; errors?: string[] };
}

/** A built API process (`dist/src/main.js`): its exit, and its output so far. */
interface ApiChild {
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves once the output contains `text`, or rejects when the process exits first. */
  printed(text: string): Promise<void>;
  stop(): Promise<void>;
}

function startMain(env: Record<string, string>, cwd: string): ApiChild {
  if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npm run build` first.');
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  const check = () => {
    for (const wait of [...waiting]) {
      if (!stdout.includes(wait.text)) continue;
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': the output is read to its end.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    printed: (text) =>
      new Promise<void>((done, fail) => {
        waiting.push({ text, resolve: done });
        check();
        void exited.then((code) => fail(new Error(`The API process exited (${code}) before printing "${text}":\n${stdout}\n${stderr}`)));
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the developer loop: true request logs, a taken port, .env, the server root (issue 17, items 5 and 6)', () => {
  let t: TestApp;
  let workDir: string;

  /** What this process wrote to stdout: the app's log, in JSON lines (kept out of the test output). */
  let written: string[] = [];
  let stdout: jest.SpyInstance;

  beforeAll(async () => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    });
    // LOG_LEVEL=log: the request log's lines are at level log.
    t = await TestApp.create({ env: { LOG_LEVEL: 'log', LOG_FORMAT: 'json' } });
    workDir = mkdtempSync(join(tmpdir(), 'tessera-devloop-'));
  });
  afterAll(async () => {
    await t.close();
    stdout.mockRestore();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** The environment of an API process on this test's database, listening on loopback only. */
  const apiEnv = (port: number): Record<string, string> => ({
    NODE_ENV: 'test',
    DATABASE_URL: t.runtime.databaseUrl,
    AUTH_TOKEN_SECRET: t.runtime.config.auth.tokenSecret!,
    MIGRATIONS_RUN: 'false',
    SEED_DEMO: 'false',
    DATA_DIR: join(workDir, 'data'),
    LOG_LEVEL: 'log',
    LOG_FORMAT: 'json',
    PORT: String(port),
    HOST: '127.0.0.1',
  });

  describe('the request log', () => {
    beforeEach(() => {
      written = [];
    });

    const logged = (operation: string): string[] | undefined => {
      const records = written
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as OperationRecord)
        .filter(
          (record) => record.context === 'GraphQL' && record.message.message === 'operation' && record.message.operation === operation,
        );
      expect(records).toHaveLength(1);
      return records[0].message.errors;
    };

    it('logs each refused operation with the code it was answered with, not INTERNAL_SERVER_ERROR', async () => {
      const fixtures = new Fixtures(t);
      const { organization, admin } = await fixtures.organization();
      const { organization: other } = await fixtures.organization();
      const refusals = {
        // Another organisation's members: FORBIDDEN.
        Forbidden: admin.client.fails(`query Forbidden($id: UUID!) { members(organizationId: $id) { totalCount } }`, { id: other.id }),
        // A page size out of range: BAD_USER_INPUT naming the field.
        BadInput: admin.client.fails(`query BadInput($id: UUID!) { members(organizationId: $id, first: 0) { totalCount } }`, {
          id: organization.id,
        }),
        // A code nobody holds: NOT_FOUND.
        NotFound: admin.client.fails(`query NotFound($code: String!) { code(code: $code) { id } }`, { code: 'NOSUCHCODE42' }),
      };
      const answered: Record<string, string> = {};
      for (const [operation, refusal] of Object.entries(refusals)) answered[operation] = (await refusal).code;
      expect(answered).toEqual({ Forbidden: 'FORBIDDEN', BadInput: 'BAD_USER_INPUT', NotFound: 'NOT_FOUND' });
      expect(Object.fromEntries(Object.keys(refusals).map((operation) => [operation, logged(operation)]))).toEqual({
        Forbidden: ['FORBIDDEN'],
        BadInput: ['BAD_USER_INPUT'],
        NotFound: ['NOT_FOUND'],
      });
    });

    it('logs an operation that succeeded without errors', async () => {
      const result = await t.client.request(`query Fine { __typename }`);
      expect(result.errors).toBeUndefined();
      expect(logged('Fine')).toBeUndefined();
    });
  });

  describe('the server root', () => {
    it('redirects GET / to the playground while the playground is served', async () => {
      const response = await fetch(`${t.url}/`, { redirect: 'manual' });
      expect([response.status, response.headers.get('location')]).toEqual([302, '/graphql']);
    });

    it('serves a favicon, so a browser gets no 404 for it', async () => {
      const response = await fetch(`${t.url}/favicon.ico`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await response.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });

    it('leaves GET / unanswered (404) when the playground is off', async () => {
      const closed = await TestApp.create({ env: { GRAPHIQL: 'false' } });
      try {
        const response = await fetch(`${closed.url}/`, { redirect: 'manual' });
        expect(response.status).toBe(404);
        expect((await fetch(`${closed.url}/favicon.ico`)).status).toBe(200);
      } finally {
        await closed.close();
      }
    });
  });

  describe('start-up (the built dist/src/main.js as a child process)', () => {
    it('stops with one line naming the port and PORT, exit code 1, when the port is taken', async () => {
      const holder: Server = createServer();
      const port = await new Promise<number>((done) =>
        holder.listen(0, '127.0.0.1', () => done((holder.address() as { port: number }).port)),
      );
      try {
        const api = startMain(apiEnv(port), workDir);
        const code = await api.exited;
        const { stdout, stderr } = api.output();
        expect({ code, stdout, stderr }).toEqual({
          code: 1,
          stdout: '',
          stderr: `Port ${port} is in use on 127.0.0.1: stop what uses it or start with PORT=${port + 1} npm start\n`,
        });
      } finally {
        await new Promise((done) => holder.close(done));
      }
    });

    it('reads ./.env when present, keeping every variable the environment already sets', async () => {
      const cwd = mkdtempSync(join(workDir, 'dotenv-'));
      const port = await freePort();
      const { PORT: _port, ...env } = apiEnv(0);
      // PORT only from .env; the DATABASE_URL there points nowhere and must lose to the environment's.
      writeFileSync(join(cwd, '.env'), `PORT=${port}\nDATABASE_URL=postgres://nobody@127.0.0.1:1/nowhere\n`);
      const api = startMain(env, cwd);
      try {
        await api.printed('GraphQL API');
        expect(api.output().stdout).toContain(`at http://localhost:${port}/graphql`);
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
        expect(ready.status).toBe(200);
      } finally {
        await api.stop();
      }
    });
  });
});
