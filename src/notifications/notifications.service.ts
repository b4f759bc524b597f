import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger } from '@nestjs/common';
import { ConflictError, containsPattern, newId, NotFoundError, PageArgs, paginate, type ConnectionShape } from '@tessera/common';
import { EventBus, OnEventAfterCommit } from '@tessera/events';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import type { MessageFilter } from './dto/message.dto';
import { Message, MessageStatus } from './entities/message.entity';
import { MessageQueued } from './events/notification.events';
import { MailTransport, PermanentMailError } from './mail-transport';
import { MessageKind } from './message-kinds';
import { MessageTemplatesService } from './message-templates.service';

export interface NewMessage {
  kind: MessageKind;
  recipient: string;
  organizationId: string | null;
  data: Record<string, unknown>;
  /** The event that causes the message: a second queue for the same event and person adds nothing. */
  eventId?: string | null;
  codeId?: string | null;
  invitationId?: string | null;
  grantId?: string | null;
}

/** A worker has this long to send a message it claimed before another may. */
const CLAIM_SECONDS = 120;

export type DeliveryResult = 'SENT' | 'FAILED' | 'SKIPPED';

/**
 * The mail pipeline: a message is queued in the transaction that causes it (delivery log row +
 * outbox event), sent after commit by a worker, at least once; the log's SENT status is what
 * makes a retried job send nothing more.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly templates: MessageTemplatesService,
    private readonly transport: MailTransport,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

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
    await this.deliver(event.payload.messageId);
  }

  /**
   * Sends one message unless it is already sent or refused for good. A temporary failure throws,
   * so the queue retries with backoff; a permanent one is recorded and not retried.
   */
  async deliver(messageId: string): Promise<DeliveryResult> {
    const [claimed] = await this.txHost.tx
      .query<Message[]>(
        `UPDATE message SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE id = $1 AND status IN ('QUEUED', 'RETRYING') AND (claimed_until IS NULL OR claimed_until < now())
       RETURNING id, kind, recipient, organization_id AS "organizationId", data, attempts`,
        [messageId, CLAIM_SECONDS],
      )
      .then((result) => (result as unknown as [Message[], number])[0] ?? []);
    if (!claimed) return 'SKIPPED';
    const rendered = await this.templates.render(claimed.organizationId, claimed.kind, claimed.data);
    try {
      const { providerMessageId } = await this.transport.send({ to: claimed.recipient, messageId: claimed.id, ...rendered });
      await this.messages.update(
        { id: claimed.id },
        {
          status: MessageStatus.SENT,
          subject: rendered.subject,
          providerMessageId,
          sentAt: new Date(),
          lastError: null,
          claimedUntil: null,
        },
      );
      return 'SENT';
    } catch (error) {
      const permanent = error instanceof PermanentMailError;
      const lastError = error instanceof Error ? error.message : String(error);
      await this.messages.update(
        { id: claimed.id },
        { status: permanent ? MessageStatus.FAILED : MessageStatus.RETRYING, subject: rendered.subject, lastError, claimedUntil: null },
      );
      this.logger.warn({
        message: permanent ? 'Mail refused for good' : 'Mail failed, will retry',
        messageId: claimed.id,
        attempt: claimed.attempts,
        error: lastError,
      });
      if (permanent) return 'FAILED';
      throw error;
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
        codeId: original.codeId,
        invitationId: original.invitationId,
        grantId: original.grantId,
      },
      actorUserId(actor),
    );
    return copy!;
  }
}
