import { getQueueToken } from '@nestjs/bull';
import { describeWithRedis, eventually, Fixtures, SmtpSink, TestApp } from '@tessera/testing';
import type { Queue } from 'bull';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { JobQueue } from '@tessera/queue';
import type { Organization } from '../../src/identity/entities/organization.entity';
import { Message, MessageStatus } from '../../src/notifications/entities/message.entity';
import { MessageKind } from '../../src/notifications/message-kinds';
import { MAIL_QUEUE, NotificationsService } from '../../src/notifications/notifications.service';

/**
 * Short deadlines, so recovery is seen within seconds: a message is taken back 3 s after it is due.
 * Not shorter: one claim covers a window of 25 sends, and on a loaded 2-core CI machine (load 13)
 * they took over a second, so a 1 s claim ran out mid-window and the second job sent some again —
 * the duplicate a lapsed claim allows by design, not the lost-job recovery these tests are about.
 */
const CLAIM_MS = 3000;

function codeSent(organization: Organization, recipient: string) {
  return {
    kind: MessageKind.CODE_SENT,
    recipient,
    organizationId: organization.id,
    data: { code: 'HBK7M2Q9', product: { name: 'Course' }, organization: { name: organization.name }, recipient: {} },
  };
}

/** How many times each message arrived, by its X-Tessera-Message-Id. */
function receivedCounts(smtp: SmtpSink): Map<string, number> {
  const received = new Map<string, number>();
  for (const mail of smtp.mails) {
    const id = String(mail.headers.get('x-tessera-message-id'));
    received.set(id, (received.get(id) ?? 0) + 1);
  }
  return received;
}

/** Waits until every event is in Redis (the outbox counts it relayed) and returns the waiting event jobs. */
async function relayed(t: TestApp): Promise<number> {
  return eventually(async () => {
    const [{ unrelayed }] = await t.dataSource.query(`SELECT count(*)::int AS unrelayed FROM domain_event WHERE relayed_at IS NULL`);
    expect(unrelayed).toBe(0);
    const { waiting } = await t.app.get(JobQueue).counts('events');
    expect(waiting).toBeGreaterThan(0);
    return waiting;
  });
}

async function expectAllSentOnce(t: TestApp, smtp: SmtpSink, ids: string[], timeoutMs: number): Promise<void> {
  const messages = t.dataSource.getRepository(Message);
  await eventually(async () => expect(await messages.countBy({ status: MessageStatus.SENT })).toBe(ids.length), {
    timeoutMs,
    intervalMs: 100,
  });
  const received = receivedCounts(smtp);
  expect(received.size).toBe(ids.length);
  expect(ids.filter((id) => received.get(id) !== 1)).toEqual([]);
}

describeWithRedis('reliability: mail whose jobs Redis lost', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let organization: Organization;

  beforeEach(async () => {
    smtp = await SmtpSink.start();
  });
  afterEach(async () => {
    await t?.close();
    await smtp.close();
  });

  async function start(env: Record<string, string>): Promise<NotificationsService> {
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, MAIL_CLAIM_MS: String(CLAIM_MS), ...env } });
    ({ organization } = await new Fixtures(t).organization('Lost Jobs'));
    return t.get(NotificationsService);
  }

  it('sends every queued message once when the queue lost its jobs before any worker ran', async () => {
    // The API only enqueues; no worker runs until Redis has lost everything.
    const notifications = await start({ WORKERS: 'off' });
    // More than one recovery round takes (500), in one insert and one event.
    const ids = await notifications.queueMany(Array.from({ length: 600 }, (_, i) => codeSent(organization, `lost${i}@example.test`)));
    expect(ids).toHaveLength(600);
    await relayed(t);

    await t.loseQueuedJobs();
    expect(await t.app.get(JobQueue).counts('events')).toMatchObject({ waiting: 0, delayed: 0 });
    expect(await t.app.get(JobQueue).counts(MAIL_QUEUE)).toMatchObject({ waiting: 0, delayed: 0 });

    // The outbox has nothing left to relay: only the messages' deadlines bring them back.
    await t.startWorker();
    await expectAllSentOnce(t, smtp, ids, 30_000);
    const [{ early }] = await t.dataSource.query(
      `SELECT count(*)::int AS early FROM message WHERE sent_at < created_at + make_interval(secs => $1)`,
      [CLAIM_MS / 1000],
    );
    expect(early).toBe(0);
  }, 60_000);

  it('sends a RETRYING message whose retry job was lost, after its retry time and deadline', async () => {
    const notifications = await start({ MAIL_RETRY_DELAY_MS: '1500' });
    smtp.deferRecipients.set('retry@example.test', 1);
    const id = (await notifications.queue(codeSent(organization, 'retry@example.test')))!;
    const mailQueue = t.get<Queue>(getQueueToken(MAIL_QUEUE));
    const retry = await eventually(async () => {
      const job = await mailQueue.getJob(`${id}:retry:1`);
      expect(job).toBeTruthy();
      return job!;
    });
    expect(await retry.getState()).toBe('delayed');
    await retry.remove();

    const messages = t.dataSource.getRepository(Message);
    const failed = await messages.findOneByOrFail({ id });
    expect(failed).toMatchObject({ status: MessageStatus.RETRYING, attempts: 1 });
    // Due 1.5 s after the failure; taken back a claim's time later.
    expect(failed.recoverAfter!.getTime() - failed.updatedAt.getTime()).toBe(1500 + CLAIM_MS);

    await eventually(
      async () => expect(await messages.findOneByOrFail({ id })).toMatchObject({ status: MessageStatus.SENT, attempts: 2 }),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const sent = await messages.findOneByOrFail({ id });
    expect(sent.sentAt!.getTime()).toBeGreaterThanOrEqual(failed.recoverAfter!.getTime());
    expect(sent.recoverAfter).toBeNull();
    expect(smtp.mailsTo('retry@example.test')).toHaveLength(1);
  }, 30_000);

  it('sends once a message whose job is only late when recovery queues it too', async () => {
    const notifications = await start({ WORKERS: 'off' });
    const ids = await notifications.queueMany(Array.from({ length: 50 }, (_, i) => codeSent(organization, `late${i}@example.test`)));
    await relayed(t);
    await sleep(CLAIM_MS + 100);
    // The original job still waits in Redis; recovery adds a second one for the same messages.
    expect(await notifications.recoverOverdue()).toBe(50);
    expect(await t.app.get(JobQueue).counts(MAIL_QUEUE)).toMatchObject({ waiting: 1 });

    await t.startWorker();
    await expectAllSentOnce(t, smtp, ids, 15_000);
    await t.app.get(JobQueue).whenIdle('events');
    await t.app.get(JobQueue).whenIdle(MAIL_QUEUE);
    const reports = (await t.get<Queue>(getQueueToken(MAIL_QUEUE)).getCompleted()).map(
      (job) => job.returnvalue as { sent: number; skipped: number },
    );
    // Both jobs ran: one sent each message, the other found it claimed or sent.
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(50);
    expect(reports.reduce((sum, report) => sum + report.skipped, 0)).toBeGreaterThanOrEqual(50);
    // One claim per message: the second job never got one.
    expect(await t.dataSource.getRepository(Message).countBy({ attempts: 1 })).toBe(50);
  }, 30_000);
});

describe('reliability: a retry the inline queue dropped at shutdown (no Redis)', () => {
  it('is sent by the next start', async () => {
    const smtp = await SmtpSink.start();
    const t = await TestApp.create({
      env: { REDIS_URL: '', SMTP_URL: smtp.url, MAIL_CLAIM_MS: String(CLAIM_MS), MAIL_RETRY_DELAY_MS: '3000' },
    });
    try {
      expect(t.app.get(JobQueue).mode).toBe('inline');
      const { organization } = await new Fixtures(t).organization('Restarted');
      smtp.deferRecipients.set('restart@example.test', 1);
      const id = (await t.get(NotificationsService).queue(codeSent(organization, 'restart@example.test')))!;
      const messages = t.dataSource.getRepository(Message);
      const failed = await eventually(async () => {
        const message = await messages.findOneByOrFail({ id });
        expect(message).toMatchObject({ status: MessageStatus.RETRYING, attempts: 1 });
        return message;
      });

      // Stopping drops the retry waiting in the process; the next start has no job for the message.
      await t.app.close();
      const next = await t.startWorker();
      const nextMessages = next.get(DataSource).getRepository(Message);
      await eventually(
        async () => expect(await nextMessages.findOneByOrFail({ id })).toMatchObject({ status: MessageStatus.SENT, attempts: 2 }),
        {
          timeoutMs: 15_000,
          intervalMs: 100,
        },
      );
      // Not before its retry was due and its deadline passed (3 s + 1 s after the failure).
      expect(failed.recoverAfter!.getTime() - failed.updatedAt.getTime()).toBe(3000 + CLAIM_MS);
      expect((await nextMessages.findOneByOrFail({ id })).sentAt!.getTime()).toBeGreaterThanOrEqual(failed.recoverAfter!.getTime());
      expect(smtp.mailsTo('restart@example.test')).toHaveLength(1);
    } finally {
      await t.close();
      await smtp.close();
    }
  }, 30_000);
});
