import { Transactional } from '@nestjs-cls/transactional';
import { Injectable, Module } from '@nestjs/common';
import { DomainEvent, EventBus, OnEventAfterCommit, OnEventInTransaction, OutboxRelay } from '@tessera/events';
import { describeWithRedis, eventually, TestApp } from '@tessera/testing';
import { DataSource } from 'typeorm';

class ThingHappened extends DomainEvent<{ label: string }> {
  static override readonly type = 'TestThingHappened';
}

/** Publishes test events and records what its handlers saw. */
@Injectable()
class Recorder {
  readonly inTransaction: string[] = [];
  readonly delivered: ThingHappened[] = [];
  readonly attempts = new Map<string, number>();
  /** Labels whose after-commit handler throws this many more times. */
  readonly failuresLeft = new Map<string, number>();

  constructor(
    private readonly events: EventBus,
    private readonly dataSource: DataSource,
  ) {}

  @Transactional()
  async publish(label: string, options: { thenFail?: boolean } = {}): Promise<ThingHappened> {
    const event = new ThingHappened({ label });
    await this.events.publish(event);
    if (options.thenFail) throw new Error('the transaction fails after publishing');
    return event;
  }

  @OnEventInTransaction(ThingHappened)
  async recordInTransaction(event: ThingHappened): Promise<void> {
    this.inTransaction.push(event.id);
  }

  @OnEventAfterCommit(ThingHappened)
  async deliver(event: ThingHappened): Promise<void> {
    this.attempts.set(event.id, (this.attempts.get(event.id) ?? 0) + 1);
    const failures = this.failuresLeft.get(event.payload.label) ?? 0;
    if (failures > 0) {
      this.failuresLeft.set(event.payload.label, failures - 1);
      throw new Error('temporary failure');
    }
    this.delivered.push(event);
  }

  deliveredIds(): string[] {
    return this.delivered.map((e) => e.id);
  }

  async row(id: string): Promise<{ type: string; relayed_at: Date | null } | undefined> {
    const [row] = await this.dataSource.query('SELECT type, relayed_at FROM domain_event WHERE id = $1', [id]);
    return row;
  }
}

@Module({ providers: [Recorder] })
class OutboxTestModule {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('events and the transactional outbox', () => {
  let t: TestApp;
  let recorder: Recorder;

  beforeAll(async () => {
    t = await TestApp.create({ extraModules: [OutboxTestModule], env: { OUTBOX_SWEEP_AFTER_MS: '1500' } });
    recorder = t.get(Recorder);
  });
  afterAll(() => t.close());

  it('stores a committed event, runs in-transaction handlers at once and after-commit handlers once', async () => {
    const event = await recorder.publish('committed');
    expect(recorder.inTransaction).toContain(event.id);
    await eventually(() => expect(recorder.deliveredIds()).toContain(event.id));
    const delivered = recorder.delivered.find((e) => e.id === event.id)!;
    expect(delivered).toBeInstanceOf(ThingHappened);
    expect(delivered.payload).toEqual({ label: 'committed' });
    // Marked relayed once its jobs are queued (with the inline queue the job may even run first).
    await eventually(async () => expect((await recorder.row(event.id))?.relayed_at).toBeInstanceOf(Date));

    expect(await t.get(OutboxRelay).relay([event.id])).toBe(0);
    await sleep(300);
    expect(recorder.attempts.get(event.id)).toBe(1);
  });

  it('publishes nothing from a transaction that rolls back', async () => {
    const before = recorder.inTransaction.length;
    await expect(recorder.publish('rolled back', { thenFail: true })).rejects.toThrow('fails after publishing');
    const id = recorder.inTransaction[before];
    expect(id).toBeDefined();
    await sleep(2000); // longer than the sweeper's grace period
    expect(await recorder.row(id)).toBeUndefined();
    expect(recorder.attempts.has(id)).toBe(false);
  });

  it('refuses to publish outside a transaction', async () => {
    await expect(t.get(EventBus).publish(new ThingHappened({ label: 'loose' }))).rejects.toThrow(/outside a transaction/);
  });

  it('delivers through the sweeper an event whose relay died with its process', async () => {
    // What a crash between commit and relay leaves behind: a committed event, never relayed.
    const id = '01890a5d-ac96-774b-bcce-b302099a8057';
    await t.dataSource.query(`INSERT INTO domain_event (id, type, payload, occurred_at) VALUES ($1, $2, $3, now() - interval '1 minute')`, [
      id,
      ThingHappened.type,
      { label: 'orphaned' },
    ]);
    await eventually(() => expect(recorder.deliveredIds()).toContain(id));
    // The sweeper's claim commits once the job is queued, so a worker may deliver before it is seen.
    await eventually(async () => expect((await recorder.row(id))?.relayed_at).toBeInstanceOf(Date));
    expect(recorder.attempts.get(id)).toBe(1);
  });

  it('retries an after-commit handler that throws, with backoff, until it succeeds', async () => {
    recorder.failuresLeft.set('flaky', 2);
    const event = await recorder.publish('flaky');
    await eventually(() => expect(recorder.deliveredIds()).toContain(event.id), { timeoutMs: 20_000 });
    expect(recorder.attempts.get(event.id)).toBe(3);
  });
});

describeWithRedis('workers: an API process with WORKERS=off enqueues, a worker process runs the jobs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ extraModules: [OutboxTestModule], env: { WORKERS: 'off' } });
  });
  afterAll(() => t.close());

  it('leaves the job to the worker', async () => {
    const api = t.get(Recorder);
    const event = await api.publish('for the worker');
    await eventually(async () => expect((await api.row(event.id))?.relayed_at).toBeInstanceOf(Date));
    await sleep(500);
    expect(api.attempts.has(event.id)).toBe(false);

    const worker = await t.startWorker([OutboxTestModule]);
    await eventually(() => expect(worker.get(Recorder).deliveredIds()).toContain(event.id));
    expect(api.attempts.has(event.id)).toBe(false);
  });
});
