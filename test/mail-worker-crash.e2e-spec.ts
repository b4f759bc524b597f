import { describeWithRedis, eventually, Fixtures, SmtpSink, TestApp } from '@tessera/testing';
import { Message, MessageStatus } from '../src/notifications/entities/message.entity';
import { MessageKind } from '../src/notifications/message-kinds';
import { SENDS_IN_FLIGHT } from '../src/notifications/message-sender';
import { NotificationsService } from '../src/notifications/notifications.service';

/** 300 in `npm test`; `npm run test:soak` sends 2,000 (MAIL_CRASH_MESSAGES). */
const MESSAGES = Number(process.env.MAIL_CRASH_MESSAGES ?? 300);

/** What a worker process needs to give up a dead worker's work within seconds, not minutes. */
const FAST_RECOVERY = { QUEUE_LOCK_MS: '2000', QUEUE_STALLED_CHECK_MS: '1000', MAIL_CLAIM_MS: '3000', MAIL_RETRY_DELAY_MS: '200' };

describeWithRedis('mail: a worker process killed mid-send', () => {
  let t: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    // The API only enqueues; worker processes send.
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, WORKERS: 'off' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('delivers every message after a restart, and none recorded SENT is sent again', async () => {
    const { organization } = await new Fixtures(t).organization('Crash Mail');
    const notifications = t.get(NotificationsService);
    const message = (i: number) => ({
      kind: MessageKind.CODE_SENT,
      recipient: `person${i}@example.test`,
      organizationId: organization.id,
      data: { code: `CODE${i}`, product: { name: 'Course' }, organization: { name: organization.name }, recipient: {} },
    });
    // Most in batches (send jobs of many messages), some one by one.
    const single = 20;
    await notifications.queueMany(Array.from({ length: MESSAGES - single }, (_, i) => message(i)));
    for (let i = MESSAGES - single; i < MESSAGES; i++) await notifications.queue(message(i));
    smtp.acceptDelayMs = 50;

    const first = t.startWorkerProcess(FAST_RECOVERY);
    await eventually(() => expect(smtp.mails.length).toBeGreaterThanOrEqual(Math.round(MESSAGES / 5)), { timeoutMs: 30_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nworker stderr:\n${first.stderr()}`);
      },
    );
    await first.kill('SIGKILL');

    const messages = t.dataSource.getRepository(Message);
    const sentBeforeCrash = (await messages.findBy({ status: MessageStatus.SENT })).map((message) => message.id);
    expect(sentBeforeCrash.length).toBeGreaterThan(0);
    expect(sentBeforeCrash.length).toBeLessThan(MESSAGES);

    smtp.acceptDelayMs = 0;
    const second = t.startWorkerProcess(FAST_RECOVERY);
    await eventually(async () => expect(await messages.countBy({ status: MessageStatus.SENT })).toBe(MESSAGES), {
      timeoutMs: 45_000,
      intervalMs: 200,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nworker stderr:\n${second.stderr()}`);
    });

    const received = new Map<string, number>();
    for (const mail of smtp.mails) {
      const id = String(mail.headers.get('x-tessera-message-id'));
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    // Every message arrived; one recorded SENT before the crash arrived exactly once.
    expect(received.size).toBe(MESSAGES);
    for (const id of sentBeforeCrash) expect(received.get(id)).toBe(1);
    // Only a send in flight at the kill (accepted, its record not yet written) may arrive twice: a
    // send holds its slot until its record is written, so never more than the sends in flight.
    const twice = [...received.values()].filter((count) => count > 1).length;
    expect(twice).toBeLessThanOrEqual(SENDS_IN_FLIGHT);
    expect(await messages.countBy({ status: MessageStatus.FAILED })).toBe(0);
  }, 120_000);
});
