import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  ErrorReason,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
  type ConnectionShape,
} from '@tessera/common';
import { EventBus, OnEventAfterCommit } from '@tessera/events';
import { JobHandler, JobProcessor, JobQueue, type Job, type NewJob } from '@tessera/queue';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, actsForPlatform, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import type { MessageFilter } from './dto/message.dto';
import { Message, MessageStatus } from './entities/message.entity';
import { MessageQueued, MessagesQueued } from './events/notification.events';
import { MessageKind } from './message-kinds';
import { MessageSender, retryDelayMs, type DeliveryReport, type DeliveryResult } from './message-sender';
import { MessageStore } from './message-store';

export interface NewMessage {
  /** An id the cause named already (a code's send names its mail); a new one otherwise. */
  id?: string;
  kind: MessageKind;
  recipient: string;
  organizationId: string | null;
  data: Record<string, unknown>;
  /**
   * The link that controls an account (one, under any name; only for a kind with ACCOUNT_LINKS):
   * stored sealed, and rendered by Tessera above the template's text — never given to a template.
   */
  secrets?: Record<string, string>;
  /** Secrets sealed already (a resend copies them as they are). */
  sealedData?: string | null;
  /** The event that causes the message: a second queue for the same event and person adds nothing. */
  eventId?: string | null;
  codeId?: string | null;
  invitationId?: string | null;
  grantId?: string | null;
}

export const MAIL_QUEUE = 'mail';
/** One message: a retry, or a message queued before messages were sent in batches. */
export const SEND_MESSAGE_JOB = 'send-message';
export const SEND_MESSAGES_JOB = 'send-messages';

interface SendMessageJob {
  messageId: string;
}

interface SendMessagesJob {
  messageIds: string[];
}

export type { DeliveryResult } from './message-sender';

/** How many overdue messages one recovery round queues again at most. */
const RECOVERY_BATCH = 500;
/** Messages per send job: big enough that queue overhead vanishes, small enough to spread over workers. */
const SEND_BATCH = 100;

/**
 * The mail pipeline: messages are queued by the subscribers that react to domain events after commit
 * (access-mails, invitation-mails, …), idempotently by event id, as delivery log rows plus one outbox
 * event for them; after commit that event becomes send jobs on the mail queue, which
 * workers run at least once. MessageSender makes each send happen once. A temporary failure goes
 * back on the queue as a job of its own, with backoff. Every unfinished message has a deadline
 * (`recoverAfter`): a job lost with Redis's data or a stopped inline queue, or a worker that died
 * mid-send, leaves it to pass, and `recoverOverdue` queues those messages again.
 */
@Injectable()
@JobProcessor(MAIL_QUEUE)
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sender: MessageSender,
    private readonly store: MessageStore,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get messages() {
    return this.txHost.tx.getRepository(Message);
  }

  /** Queues a message in the caller's transaction; null if this event already queued it. */
  @Transactional()
  async queue(message: NewMessage, actorId: string | null = null): Promise<string | null> {
    const [id] = await this.queueMany([message], actorId);
    return id ?? null;
  }

  /**
   * Queues messages in the caller's transaction, in one insert and one MessagesQueued event per
   * organisation; returns the ids of those queued (a message its event queued already is left out).
   */
  @Transactional()
  async queueMany(messages: readonly NewMessage[], actorId: string | null = null): Promise<string[]> {
    if (!messages.length) return [];
    const rows = messages.map((message) => ({
      id: message.id ?? newId(),
      kind: message.kind,
      recipient: message.recipient.trim().toLowerCase(),
      organizationId: message.organizationId,
      data: message.data,
      sealedData: message.sealedData ?? (message.secrets ? this.sender.seal(message.secrets) : null),
      eventId: message.eventId ?? null,
      codeId: message.codeId ?? null,
      invitationId: message.invitationId ?? null,
      grantId: message.grantId ?? null,
    }));
    const queued = new Set(await this.store.insertQueued(rows, this.config.mail.claimMs));
    const byOrganization = new Map<string | null, string[]>();
    for (const row of rows) {
      if (!queued.has(row.id)) continue;
      const ids = byOrganization.get(row.organizationId);
      if (ids) ids.push(row.id);
      else byOrganization.set(row.organizationId, [row.id]);
    }
    for (const [organizationId, messageIds] of byOrganization) {
      await this.events.publish(new MessagesQueued({ messageIds }, { organizationId, actorId }));
    }
    return rows.filter((row) => queued.has(row.id)).map((row) => row.id);
  }

  /** Whether this event has queued a message to this address already (before making a link only the mail would carry). */
  isQueued(eventId: string, recipient: string): Promise<boolean> {
    return this.messages.existsBy({ eventId, recipient: recipient.trim().toLowerCase() });
  }

  @OnEventAfterCommit(MessagesQueued)
  async onMessagesQueued(event: MessagesQueued): Promise<void> {
    // Job ids from the event's: a re-run of this handler queues nothing more.
    await this.enqueueSendMany(event.payload.messageIds, (part) => `${event.id}:${part}`);
  }

  /** Events of messages queued one by one, before batches: those still in an outbox are sent too. */
  @OnEventAfterCommit(MessageQueued)
  async onMessageQueued(event: MessageQueued): Promise<void> {
    await this.enqueueSend(event.payload.messageId, event.payload.messageId, this.config.mail.maxAttempts);
  }

  @JobHandler(SEND_MESSAGE_JOB)
  send(job: Job<SendMessageJob>): Promise<DeliveryResult> {
    return this.deliver(job.data.messageId);
  }

  /** Sends a batch; each temporary failure gets a job of its own, with the attempts it has left and the usual backoff. */
  @JobHandler(SEND_MESSAGES_JOB)
  async sendMany(job: Job<SendMessagesJob>): Promise<Omit<DeliveryReport, 'retrying'> & { retrying: number }> {
    const { retrying, ...report } = await this.sender.deliverMany(job.data.messageIds);
    const { maxAttempts, retryDelayMs: firstDelayMs } = this.config.mail;
    for (const { messageId, attempts } of retrying) {
      // The first retry waits as a job's first retry would; the job's own backoff continues the doubling.
      await this.enqueueSend(messageId, `${messageId}:retry:${attempts}`, maxAttempts - attempts, {
        delayMs: retryDelayMs(attempts, firstDelayMs),
        backoffMs: retryDelayMs(attempts + 1, firstDelayMs),
      });
    }
    return { ...report, retrying: retrying.length };
  }

  /** Sends one message unless it is sent, refused for good, or claimed by a live sender; a temporary failure throws. */
  deliver(messageId: string): Promise<DeliveryResult> {
    return this.sender.deliver(messageId);
  }

  /**
   * Queues again, in send jobs, the unfinished messages past their deadline: their job was lost
   * (Redis lost its data, the inline queue stopped with a retry waiting), their sender died
   * mid-send, or their job is merely late, in which case the sender's claim makes the second job
   * send nothing. Run by every worker process on the outbox sweeper's cadence; returns how many.
   */
  async recoverOverdue(): Promise<number> {
    const overdue = await this.store.takeOverdue(RECOVERY_BATCH, this.config.mail.claimMs);
    // Without job ids: a message is taken once per deadline, and should these jobs be lost, its next deadline takes it again.
    await this.enqueueSendMany(overdue, () => undefined);
    if (overdue.length) this.logger.warn({ message: 'Re-queued unfinished messages past their deadline', messages: overdue.length });
    return overdue.length;
  }

  /** Send jobs of up to SEND_BATCH messages each, in one round trip to the queue. */
  private enqueueSendMany(messageIds: readonly string[], jobIdOf: (part: number) => string | undefined): Promise<void> {
    const jobs: NewJob<SendMessagesJob>[] = [];
    for (let from = 0, part = 0; from < messageIds.length; from += SEND_BATCH, part++) {
      jobs.push({
        name: SEND_MESSAGES_JOB,
        data: { messageIds: messageIds.slice(from, from + SEND_BATCH) },
        options: { jobId: jobIdOf(part), attempts: this.config.mail.maxAttempts, backoffMs: this.config.mail.retryDelayMs },
      });
    }
    return this.jobs.addMany(MAIL_QUEUE, jobs);
  }

  private enqueueSend(
    messageId: string,
    jobId: string,
    attempts: number,
    timing: { delayMs?: number; backoffMs?: number } = {},
  ): Promise<void> {
    return this.jobs.add<SendMessageJob>(
      MAIL_QUEUE,
      SEND_MESSAGE_JOB,
      { messageId },
      { jobId, attempts, backoffMs: timing.backoffMs ?? this.config.mail.retryDelayMs, delayMs: timing.delayMs },
    );
  }

  async list(actor: Actor, organizationId: string, page: PageArgs, filter: MessageFilter = {}): Promise<ConnectionShape<Message>> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    const query = this.messages.createQueryBuilder('message').where('message.organization_id = :organizationId', { organizationId });
    if (filter.status?.length) query.andWhere('message.status IN (:...statuses)', { statuses: filter.status });
    if (filter.kind) query.andWhere('message.kind = :kind', { kind: filter.kind });
    if (filter.recipient?.trim())
      query.andWhere('message.recipient ILIKE :recipient', { recipient: containsPattern(filter.recipient.trim()) });
    // A log is read from its latest entry.
    return paginate(query, page, { newestFirst: true });
  }

  /** One entry of the delivery log: its organisation's admins (a mail of no organisation: platform admins). Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, messageId: string): Promise<Message> {
    const message = await this.messages.findOneBy({ id: messageId });
    const shown =
      message &&
      (message.organizationId
        ? await this.access.allows(actor, message.organizationId, { role: MemberRole.ORG_ADMIN })
        : actsForPlatform(actor));
    if (!shown) throw new NotFoundError('Message', messageId);
    return message;
  }

  /** Delivery-log entries by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findByIds(ids: readonly string[]): Promise<Message[]> {
    return this.messages
      .createQueryBuilder('message')
      .where('message.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /** Sends a logged message again, as a new entry of the log (the old one keeps its history). */
  @Transactional()
  async resend(actor: Actor, messageId: string): Promise<Message> {
    const original = await this.messages.findOneBy({ id: messageId });
    if (!original || !original.organizationId) throw new NotFoundError('Message', messageId);
    await this.access.require(actor, original.organizationId, { role: MemberRole.ORG_ADMIN });
    if (original.status === MessageStatus.QUEUED || original.status === MessageStatus.RETRYING) {
      throw new ConflictError('This message is still on its way: wait for it to be sent or to fail.', {
        reason: ErrorReason.MESSAGE_STILL_SENDING,
      });
    }
    const copyId = await this.queue(
      {
        kind: original.kind,
        recipient: original.recipient,
        organizationId: original.organizationId,
        data: original.data,
        sealedData: original.sealedData,
        codeId: original.codeId,
        invitationId: original.invitationId,
        grantId: original.grantId,
      },
      actorUserId(actor),
    );
    return (await this.messages.findOneBy({ id: copyId! }))!;
  }
}
