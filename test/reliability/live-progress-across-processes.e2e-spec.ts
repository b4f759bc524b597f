import { describeWithRedis, Fixtures, subscriptionClient, TestApp, type ApiProcess, type WorkerProcess } from '@tessera/testing';
import type { Client } from 'graphql-ws';

const GENERATE = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id status } } }`;
const BATCH_PROGRESS = `subscription BatchProgress($id: UUID!) { codeBatchProgress(id: $id) { status progress createdCount } }`;

interface Step {
  status: string;
  progress: number;
  createdCount: number;
}

/**
 * Scale-out: the generation runs in a worker process (dist/src/worker.js) while its subscribers are
 * on two API processes that run no workers (this test's, and a second one, dist/src/main.js). The
 * steps travel from the worker through Redis pub/sub to both: each subscriber sees every step, in
 * order, to COMPLETED. (`npm run build` first: the children run the built code.)
 */
describeWithRedis('reliability: live progress crosses from a worker process to every API process', () => {
  let t: TestApp;
  let secondApi: ApiProcess;
  let worker: WorkerProcess | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await TestApp.create({ env: { WORKERS: 'off' } });
    secondApi = await t.startApiProcess();
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await worker?.kill('SIGTERM');
    await secondApi?.kill('SIGTERM');
    await t?.close();
  });

  it('brings a 50,000-code generation’s every step from the worker process to subscribers on both API processes', async () => {
    const { organization, admin } = await new Fixtures(t).organization('Scaled out');
    const { generateCodes } = await admin.client.ok(GENERATE, { input: { organizationId: organization.id, quantity: 50_000, width: 12 } });
    const batchId = generateCodes.batch.id;
    const followers = [t.url, secondApi.url].map((url) => {
      const client = subscriptionClient(url, admin.token);
      clients.push(client);
      return client.iterate<{ codeBatchProgress: Step }>({ query: BATCH_PROGRESS, variables: { id: batchId } });
    });
    // Both hold the batch as it stands before any process works on it.
    for (const events of followers) expect((await events.next()).value?.data?.codeBatchProgress).toMatchObject({ status: 'PENDING' });

    worker = t.startWorkerProcess();
    const seen = await Promise.all(
      followers.map(async (events) => {
        const steps: Step[] = [];
        for await (const result of events) {
          expect(result.errors).toBeUndefined();
          steps.push(result.data!.codeBatchProgress);
        }
        return steps;
      }),
    );

    for (const steps of seen) {
      expect(steps.at(-1)).toEqual({ status: 'COMPLETED', progress: 100, createdCount: 50_000 });
      const running = steps.filter((step) => step.status === 'RUNNING');
      // 0 %, then one step per 2,500 codes: none lost between the processes.
      expect(running.map((step) => step.progress)).toEqual(Array.from({ length: 21 }, (_, i) => i * 5));
      expect(running.map((step) => step.createdCount)).toEqual(Array.from({ length: 21 }, (_, i) => i * 2500));
    }
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM code WHERE batch_id = $1', [batchId]);
    expect(n).toBe(50_000);
  }, 180_000);
});
