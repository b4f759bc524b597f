import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { TemplateParts } from './default-templates';
import { Message, MessageStatus } from './entities/message.entity';
import { MessageFailed } from './events/notification.events';
import { MailTransport, PermanentMailError } from './mail-transport';
import { MessageStore, type AcceptedSend, type ClaimedMessage } from './message-store';
import { MessageTemplatesService } from './message-templates.service';
import { Slots, WriteCoalescer } from './send-batching';
import { accountLinkOf, renderMessage, TemplateRenderError, type RenderedMessage } from './template-renderer';

export type DeliveryResult = 'SENT' | 'FAILED' | 'SKIPPED';

/** A temporary failure, recorded RETRYING: the caller schedules the next attempt. */
export interface RetryLater {
  messageId: string;
  attempts: number;
  error: unknown;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  /** Sent, refused for good, or claimed by a live sender already: nothing to do. */
  skipped: number;
  retrying: RetryLater[];
}

/**
 * Sends claimed by this process and not finished yet: ten per SMTP connection keep the pool busy
 * while the next claims and writes are on their way (the mail benchmark sends a third faster than
 * with four), and a claimed message waits behind at most that many sends, far inside its claim.
 */
export const SENDS_IN_FLIGHT = 50;
/** Messages claimed by one statement. */
const CLAIM_WINDOW = 25;

/**
 * How long a message waits after its `attempts`-th attempt failed for now: MAIL_RETRY_DELAY_MS,
 * doubling with each attempt. Retry jobs wait this long, and recovery counts from it.
 */
export function retryDelayMs(attempts: number, firstDelayMs: number): number {
  return firstDelayMs * 2 ** (attempts - 1);
}

/**
 * Sends messages of the delivery log. The log is what makes a send happen once: a message is
 * claimed for a while before sending, and a SENT or FAILED message is never sent again. Sends the
 * server accepted are recorded together, a few milliseconds after acceptance, so a sender killed
 * mid-send leaves at most the sends on the wire and in that write unrecorded (they go again once
 * their claim lapses); everything it claimed but did not send simply waits for its claim to lapse.
 */
@Injectable()
export class MessageSender {
  private readonly logger = new Logger('Notifications');
  private readonly sealer: SecretBox;
  private readonly slots = new Slots(SENDS_IN_FLIGHT);
  private readonly accepted = new WriteCoalescer<AcceptedSend>((sends) => this.store.recordSent(sends));

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly store: MessageStore,
    private readonly templates: MessageTemplatesService,
    private readonly transport: MailTransport,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealer = new SecretBox(config.auth.tokenSecret!, 'message-secrets');
  }

  private get messages() {
    return this.txHost.tx.getRepository(Message);
  }

  /** Seals a message's account link for the log; only a sender opens it again, for the block Tessera renders. */
  seal(secrets: Record<string, string>): string {
    return this.sealer.seal(JSON.stringify(secrets));
  }

  /** Sends one message unless there is nothing to do; a temporary failure throws, for the queue to retry. */
  async deliver(messageId: string): Promise<DeliveryResult> {
    const report = await this.deliverMany([messageId]);
    if (report.retrying.length) throw report.retrying[0]!.error;
    return report.sent ? 'SENT' : report.failed ? 'FAILED' : 'SKIPPED';
  }

  /**
   * Sends those of the messages that are neither finished nor claimed by a live sender, a window
   * of claims at a time as this process has room. A permanent failure (5xx, a template that cannot
   * render) or the last attempt is recorded FAILED; a temporary one RETRYING, and returned.
   */
  async deliverMany(messageIds: readonly string[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, skipped: 0, retrying: [] };
    const templates = new Map<string, Promise<TemplateParts>>();
    const sends: Promise<void>[] = [];
    let claimsStopped: unknown;
    try {
      for (let from = 0; from < messageIds.length; from += CLAIM_WINDOW) {
        const window = messageIds.slice(from, from + CLAIM_WINDOW);
        await this.slots.take(window.length);
        const claimed = await this.store.claim(window, this.config.mail.claimMs).catch((error: unknown) => {
          this.slots.give(window.length);
          throw error;
        });
        this.slots.give(window.length - claimed.length);
        report.skipped += window.length - claimed.length;
        for (const message of claimed) {
          const send = this.sendClaimed(message, templates).then((outcome) => {
            if (outcome === 'SENT') report.sent++;
            else if (outcome === 'FAILED') report.failed++;
            else report.retrying.push(outcome);
          });
          sends.push(send.finally(() => this.slots.give(1)));
        }
      }
    } catch (error) {
      claimsStopped = error;
    }
    // Whatever stopped the claims, the sends already started finish and are recorded first.
    const broken = (await Promise.allSettled(sends)).find((result) => result.status === 'rejected');
    if (claimsStopped !== undefined) throw claimsStopped;
    if (broken) throw broken.reason;
    return report;
  }

  private async sendClaimed(
    message: ClaimedMessage,
    templates: Map<string, Promise<TemplateParts>>,
  ): Promise<'SENT' | 'FAILED' | RetryLater> {
    const { maxAttempts, retryDelayMs: firstDelayMs, claimMs } = this.config.mail;
    if (message.attempts > maxAttempts) {
      await this.recordFailure(message, { status: MessageStatus.FAILED, claimedUntil: null, recoverAfter: null, attempts: maxAttempts });
      return 'FAILED';
    }
    let rendered: RenderedMessage | undefined;
    let providerMessageId: string;
    try {
      const accountLink = message.sealedData ? accountLinkOf(message.kind, this.openSecrets(message.sealedData)) : undefined;
      rendered = renderMessage(await this.partsFor(message, templates), message.data, accountLink);
      ({ providerMessageId } = await this.transport.send({ to: message.recipient, messageId: message.id, ...rendered }));
    } catch (error) {
      const permanent = error instanceof PermanentMailError || error instanceof TemplateRenderError || message.attempts >= maxAttempts;
      const lastError = error instanceof Error ? error.message : String(error);
      // A retry's job may be lost as any other: recovery takes the message back a claim's time after its retry is due.
      const recoverInMs = retryDelayMs(message.attempts, firstDelayMs) + claimMs;
      const changes = { subject: rendered?.subject ?? null, lastError, claimedUntil: null };
      if (permanent) await this.recordFailure(message, { ...changes, status: MessageStatus.FAILED, recoverAfter: null });
      else
        await this.messages.update(
          { id: message.id },
          { ...changes, status: MessageStatus.RETRYING, recoverAfter: () => `now() + make_interval(secs => ${recoverInMs / 1000})` },
        );
      this.logger.warn({
        message: permanent ? 'Mail failed for good' : 'Mail failed, will retry',
        messageId: message.id,
        attempt: message.attempts,
        error: lastError,
      });
      return permanent ? 'FAILED' : { messageId: message.id, attempts: message.attempts, error };
    }
    // Outside the try: once the server took the mail, a failure here must not mark it for a retry.
    await this.accepted.record({ id: message.id, subject: rendered.subject, providerMessageId, sentAt: new Date() });
    return 'SENT';
  }

  /** A message FAILED for good, and the event that tells subscribers (webhooks), in one transaction. */
  private async recordFailure(message: ClaimedMessage, changes: QueryDeepPartialEntity<Message>): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await this.messages.update({ id: message.id }, changes);
      await this.events.publish(
        new MessageFailed({ messageId: message.id, kind: message.kind }, { organizationId: message.organizationId }),
      );
    });
  }

  /** An organisation's text of a kind, read once per batch. */
  private partsFor(message: ClaimedMessage, templates: Map<string, Promise<TemplateParts>>): Promise<TemplateParts> {
    const key = `${message.organizationId}:${message.kind}`;
    let parts = templates.get(key);
    if (!parts) {
      parts = this.templates.partsFor(message.organizationId, message.kind);
      templates.set(key, parts);
    }
    return parts;
  }

  private openSecrets(sealed: string): Record<string, string> {
    try {
      return JSON.parse(this.sealer.open(sealed)) as Record<string, string>;
    } catch {
      throw new TemplateRenderError("The message's links cannot be unsealed: was AUTH_TOKEN_SECRET changed since it was queued?");
    }
  }
}
