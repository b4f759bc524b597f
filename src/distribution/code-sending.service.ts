import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  BadUserInputError,
  ConflictError,
  decodeCursor,
  ErrorReason,
  newId,
  NotFoundError,
  pageSize,
  toConnection,
  type ConnectionShape,
  type PageArgs,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { CodeUnusableReason, UNUSABLE_CODE_ERROR_REASON, unusableReason } from '../access/code-usability';
import { ContractsService } from '../contracts/contracts.service';
import { ParticipantsService } from '../contracts/participants.service';
import { AccessPolicy, type RoleRequirement } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { CodesService } from '../inventory/codes.service';
import type { Code } from '../inventory/entities/code.entity';
import { CodeSendStore, type PossibleRecipient } from './code-send-store';
import { CodeRecipient, CodeRecipientStatus, type CodeRecipientsArgs, type SendCodeInput } from './dto/code-send.dto';
import { CodeSend } from './entities/code-send.entity';
import { CodeSent } from './events/distribution.events';

/** The organisation's admins send codes, and so may its own systems (API keys). */
const SENDERS: RoleRequirement = { role: MemberRole.ORG_ADMIN, apiKey: true };

/** Why a code cannot be sent, in an admin's words (extensions.reason says which). */
const NOT_SENDABLE: Record<Exclude<CodeUnusableReason, CodeUnusableReason.NOT_FOUND>, string> = {
  REDEEMED: 'This code has been redeemed: it cannot be sent any more. Send another code.',
  VOID: 'This code is void: it cannot be sent. Send another code.',
  EXPIRED: 'This code has expired: change its expiry (updateCode) or send another code.',
  HELD_BY_INVITATION: 'This code is held by a pending invitation: send another code.',
  CONTRACT_NOT_ACTIVE: 'The contract behind this code is not active, so the code cannot be redeemed now: send another code.',
};

/**
 * Sending codes by e-mail to the organisation's members (workflow A). A sent code stays
 * AVAILABLE until it is redeemed: it can be sent again to the same person, or to someone else.
 * The code records the last recipient; every send is kept in the history.
 */
@Injectable()
export class CodeSendingService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly store: CodeSendStore,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly participants: ParticipantsService,
    private readonly events: EventBus,
    private readonly access: AccessPolicy,
  ) {}

  private get sends() {
    return this.txHost.tx.getRepository(CodeSend);
  }

  /**
   * One transaction: the code is locked first, so a redemption, invitation or void of the same
   * code waits for the send to commit, or the send sees it already happened and is refused.
   */
  @Transactional()
  async send(actor: Actor, input: SendCodeInput): Promise<{ code: Code; send: CodeSend }> {
    const by = recipientKey(input);
    const code = await this.codes.lock(actor, input.codeId, SENDERS);
    await this.assertSendable(code);
    const recipient = await this.recipientFor(code.organizationId, by);
    const name = `${recipient.firstName} ${recipient.lastName}`.trim();
    const sent = await this.codes.recordSend(code.id, { email: recipient.email, name, at: new Date() });
    // Under the row lock this cannot happen; the guard is what makes that a rule and not a hope.
    if (!sent) throw new ConflictError('This code was used or withdrawn while it was being sent.', { reason: ErrorReason.NOT_AVAILABLE });

    const message = input.message?.trim() || null;
    // The mail follows CodeSent (notifications queues it after commit under this id), so the send names it now.
    const messageId = newId();
    const send = this.sends.create({
      id: newId(),
      organizationId: code.organizationId,
      codeId: code.id,
      recipientUserId: recipient.userId,
      recipientEmail: recipient.email,
      recipientName: name,
      message,
      adminComment: input.adminComment?.trim() || null,
      sentByUserId: actorUserId(actor),
      messageId,
    });
    await this.sends.insert(send);
    await this.events.publish(
      new CodeSent(
        {
          codeId: code.id,
          sendId: send.id,
          recipientUserId: recipient.userId,
          recipientEmail: recipient.email,
          previousRecipientEmail: code.lastSentToEmail && code.lastSentToEmail !== recipient.email ? code.lastSentToEmail : null,
          messageId: send.messageId,
        },
        { organizationId: code.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { code: sent, send: (await this.sends.findOneBy({ id: send.id }))! };
  }

  /** Members of the code's organisation who have not redeemed a code there, each with their latest send. */
  async recipients(actor: Actor, args: CodeRecipientsArgs): Promise<ConnectionShape<CodeRecipient>> {
    const code = await this.codes.get(actor, args.codeId);
    const limit = pageSize(args);
    const { rows, totalCount } = await this.store.recipients(
      code.organizationId,
      { search: args.search, status: args.status },
      { limit: limit + 1, afterMembershipId: args.after ? decodeCursor(args.after) : null },
    );
    const recipients = rows.map((row) =>
      Object.assign(new CodeRecipient(), {
        ...row,
        status: row.lastSendId ? CodeRecipientStatus.SENT_NOT_REDEEMED : CodeRecipientStatus.NEVER_SENT,
      }),
    );
    return toConnection(recipients, limit, totalCount, (recipient) => recipient.membershipId);
  }

  /**
   * A page of each code's send history, newest first (a DataLoader batch: one page per code, in
   * the order of `codeIds`). Access was checked where the codes were loaded.
   */
  async historiesOf(codeIds: readonly string[], page: PageArgs): Promise<ConnectionShape<CodeSend>[]> {
    const limit = pageSize(page);
    const { sends, totals } = await this.store.sendsOfCodes(codeIds, {
      limit: limit + 1,
      beforeId: page.after ? decodeCursor(page.after) : null,
    });
    return codeIds.map((codeId) => toConnection(sends.get(codeId) ?? [], limit, totals.get(codeId) ?? 0, (send) => send.id));
  }

  /** One send, for those who may see the code's history: its organisation's admins and API keys. Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, sendId: string): Promise<CodeSend> {
    const send = await this.sends.findOneBy({ id: sendId });
    if (!send || !(await this.access.allows(actor, send.organizationId, SENDERS))) throw new NotFoundError('CodeSend', sendId);
    return send;
  }

  /** Sends by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findByIds(ids: readonly string[]): Promise<CodeSend[]> {
    return this.sends
      .createQueryBuilder('send')
      .where('send.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  private async assertSendable(code: Code): Promise<void> {
    const [contract] = code.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    const reason = unusableReason(code, contract ?? null);
    if (reason && reason !== CodeUnusableReason.NOT_FOUND) {
      throw new ConflictError(NOT_SENDABLE[reason], { reason: UNUSABLE_CODE_ERROR_REASON[reason] });
    }
    if (await this.participants.findByCodeId(code.id)) {
      throw new ConflictError('This code is a contract participant’s own code: it is not sent to anyone else.', {
        reason: ErrorReason.PARTICIPANT_CODE,
      });
    }
  }

  /**
   * The member the code goes to. Someone outside the organisation is a mistake in the input (the
   * same answer whether or not they have an account elsewhere); a member who already redeemed a
   * code here is a conflict with the state of things.
   */
  private async recipientFor(organizationId: string, by: { userId: string } | { email: string }): Promise<PossibleRecipient> {
    const field = 'userId' in by ? 'userId' : 'email';
    const recipient = await this.store.possibleRecipient(organizationId, by);
    if (!recipient?.connected) {
      throw BadUserInputError.field(
        field,
        field === 'userId'
          ? 'is not a member of the organisation that holds this code: connect them first.'
          : 'belongs to no member of the organisation that holds this code: connect them first.',
      );
    }
    if (recipient.redeemed) {
      throw new ConflictError('This person has already redeemed a code of this organisation.', {
        reason: ErrorReason.RECIPIENT_ALREADY_REDEEMED,
        field,
      });
    }
    return recipient;
  }
}

/** Exactly one of userId and email names the recipient. */
function recipientKey(input: SendCodeInput): { userId: string } | { email: string } {
  if (input.userId && input.email) {
    throw new BadUserInputError([
      { field: 'userId', message: 'give the recipient by userId or by email, not both.' },
      { field: 'email', message: 'give the recipient by userId or by email, not both.' },
    ]);
  }
  if (input.userId) return { userId: input.userId };
  if (input.email) return { email: input.email };
  throw new BadUserInputError([
    { field: 'userId', message: 'give the recipient: a userId or an email.' },
    { field: 'email', message: 'give the recipient: a userId or an email.' },
  ]);
}
