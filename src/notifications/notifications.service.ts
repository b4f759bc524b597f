import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConflictError, containsPattern, newId, NotFoundError, PageArgs, paginate, SecretBox, type ConnectionShape } from '@tessera/common';
import { EventBus, OnEventAfterCommit } from '@tessera/events';
import { JobHandler, JobProcessor, JobQueue, type Job } from '@tessera/queue';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import type { MessageFilter } from './dto/message.dto';
import { Message, MessageStatus } from './entities/message.entity';
import { MessageQueued } from './events/notification.events';
import { MailTransport, PermanentMailError } from './mail-transport';
import { MessageKind } from './message-kinds';
import { MessageTemplatesService } from './message-templates.service';
import { TemplateRenderError, type RenderedMessage } from './template-renderer';

export interface NewMessage {
  kind: MessageKind;
  recipient: string;
  organizationId: string | null;
  data: Record<string, unknown>;
  /** Variables that are secrets (a link with a token): stored sealed, given to the template only when it renders. */
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
export const SEND_MESSAGE_JOB = 'send-message';

interface SendMessageJob {
  messageId: string;
}

export type DeliveryResult = 'SENT' | 'FAILED' | 'SKIPPED';

/** How many claimed messages one recovery round re-queues at most. */
const RECOVERY_BATCH = 500;

/**
 * The mail pipeline: a message is queued in the transaction that causes it (delivery log row +
 * outbox event); after commit the event becomes one send job on the mail queue, which a worker
 * runs at least once. The log is what makes a send happen once: a job claims the message for a
 * while before sending, and a SENT or FAILED message is never sent by a retry. A worker that dies
 * mid-send leaves its claim to lapse; `recoverAbandoned` queues those messages again.
 */
@Injectable()
@JobProcessor(MAIL_QUEUE)
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly templates: MessageTemplatesService,
    private readonly transport: MailTransport,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealer = new SecretBox(config.auth.tokenSecret!, 'message-secrets');
  }

  private readonly sealer: SecretBox;

  private get messages() {
    return this.txHost.tx.getRepository(Message);
  }

  /** Queues a message in the caller's transaction; null if this event already queued it. */
  @Transactional()
  async queue(message: NewMessage, actorId: string | null = null): Promise<Message | null> {
    const id = newId();
    const inserted = await this.messages
      .createQueryBuilder()
      .insert()
      .values(
        this.messages.create({
          id,
          kind: message.kind,
          recipient: message.recipient.trim().toLowerCase(),
          organizationId: message.organizationId,
          data: message.data,
          sealedData: message.sealedData ?? (message.secrets ? this.sealer.seal(JSON.stringify(message.secrets)) : null),
          eventId: message.eventId ?? null,
          codeId: message.codeId ?? null,
          invitationId: message.invitationId ?? null,
          grantId: message.grantId ?? null,
          status: MessageStatus.QUEUED,
        }),
      )
      .orIgnore()
      .returning('id')
      .execute();
    if ((inserted.raw as unknown[]).length === 0) return null;
    await this.events.publish(new MessageQueued({ messageId: id }, { organizationId: message.organizationId, actorId }));
    return this.messages.findOneBy({ id });
  }

  @OnEventAfterCommit(MessageQueued)
  async onMessageQueued(event: MessageQueued): Promise<void> {
    // The job id is the message's: a re-run of this handler queues nothing more.
    await this.enqueueSend(event.payload.messageId, event.payload.messageId, this.config.mail.maxAttempts);
  }

  @JobHandler(SEND_MESSAGE_JOB)
  send(job: Job<SendMessageJob>): Promise<DeliveryResult> {
    return this.deliver(job.data.messageId);
  }

  /**
   * Queues again the messages whose sender died mid-send (the claim lapsed while QUEUED or
   * RETRYING); run by every worker process on the outbox sweeper's cadence.
   */
  async recoverAbandoned(): Promise<number> {
    const abandoned = await this.messages
      .createQueryBuilder('message')
      .select(['message.id', 'message.attempts'])
      .where(`message.status IN (:...statuses) AND message.claimed_until < now()`, {
        statuses: [MessageStatus.QUEUED, MessageStatus.RETRYING],
      })
      .orderBy('message.claimed_until')
      .limit(RECOVERY_BATCH)
      .getMany();
    for (const { id, attempts } of abandoned) {
      // One job per abandoned attempt: sweeping again before it runs adds nothing.
      await this.enqueueSend(id, `${id}:${attempts}`, Math.max(1, this.config.mail.maxAttempts - attempts));
    }
    if (abandoned.length) this.logger.warn({ message: 'Re-queued messages abandoned mid-send', messages: abandoned.length });
    return abandoned.length;
  }

  private enqueueSend(messageId: string, jobId: string, attempts: number): Promise<void> {
    return this.jobs.add<SendMessageJob>(
      MAIL_QUEUE,
      SEND_MESSAGE_JOB,
      { messageId },
      {
        jobId,
        attempts,
        backoffMs: this.config.mail.retryDelayMs,
      },
    );
  }

  /**
   * Sends one message unless it is sent, refused for good, or claimed by a live sender. A
   * temporary failure throws, so the queue retries with backoff, until the last attempt, which
   * is recorded FAILED; a permanent failure is recorded FAILED at once.
   */
  async deliver(messageId: string): Promise<DeliveryResult> {
    const [claimed] = await this.txHost.tx
      .query<Message[]>(
        `UPDATE message SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE id = $1 AND status IN ('QUEUED', 'RETRYING') AND (claimed_until IS NULL OR claimed_until < now())
       RETURNING id, kind, recipient, organization_id AS "organizationId", data, sealed_data AS "sealedData", attempts`,
        [messageId, this.config.mail.claimMs / 1000],
      )
      .then((result) => (result as unknown as [Message[], number])[0] ?? []);
    if (!claimed) return 'SKIPPED';
    const { maxAttempts } = this.config.mail;
    if (claimed.attempts > maxAttempts) {
      await this.messages.update({ id: claimed.id }, { status: MessageStatus.FAILED, claimedUntil: null, attempts: maxAttempts });
      return 'FAILED';
    }
    let rendered: RenderedMessage | undefined;
    let providerMessageId: string;
    try {
      const secrets = claimed.sealedData ? this.openSecrets(claimed.sealedData) : {};
      rendered = await this.templates.render(claimed.organizationId, claimed.kind, { ...claimed.data, ...secrets });
      ({ providerMessageId } = await this.transport.send({ to: claimed.recipient, messageId: claimed.id, ...rendered }));
    } catch (error) {
      const permanent = error instanceof PermanentMailError || error instanceof TemplateRenderError || claimed.attempts >= maxAttempts;
      const lastError = error instanceof Error ? error.message : String(error);
      await this.messages.update(
        { id: claimed.id },
        {
          status: permanent ? MessageStatus.FAILED : MessageStatus.RETRYING,
          subject: rendered?.subject ?? null,
          lastError,
          claimedUntil: null,
        },
      );
      this.logger.warn({
        message: permanent ? 'Mail failed for good' : 'Mail failed, will retry',
        messageId: claimed.id,
        attempt: claimed.attempts,
        error: lastError,
      });
      if (permanent) return 'FAILED';
      throw error;
    }
    // Outside the try: once the server took the mail, a failure here must not mark it for a retry.
    await this.messages.update(
      { id: claimed.id },
      { status: MessageStatus.SENT, subject: rendered.subject, providerMessageId, sentAt: new Date(), lastError: null, claimedUntil: null },
    );
    return 'SENT';
  }

  private openSecrets(sealed: string): Record<string, string> {
    try {
      return JSON.parse(this.sealer.open(sealed)) as Record<string, string>;
    } catch {
      throw new TemplateRenderError("The message's links cannot be unsealed: was AUTH_TOKEN_SECRET changed since it was queued?");
    }
  }

  async list(actor: Actor, organizationId: string, page: PageArgs, filter: MessageFilter = {}): Promise<ConnectionShape<Message>> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    const query = this.messages.createQueryBuilder('message').where('message.organization_id = :organizationId', { organizationId });
    if (filter.status?.length) query.andWhere('message.status IN (:...statuses)', { statuses: filter.status });
    if (filter.kind) query.andWhere('message.kind = :kind', { kind: filter.kind });
    if (filter.recipient?.trim())
      query.andWhere('message.recipient ILIKE :recipient', { recipient: containsPattern(filter.recipient.trim()) });
    return paginate(query, page);
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
      throw new ConflictError('This message is still on its way: wait for it to be sent or to fail.');
    }
    const copy = await this.queue(
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
    return copy!;
  }
}
