import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  containsPattern,
  ErrorReason,
  hashToken,
  newId,
  newSecretToken,
  NotFoundError,
  paginate,
  type ConnectionShape,
  type FieldError,
  type PageArgs,
} from '@tessera/common';
import { EventBus, EventSecrets, OnEventInTransaction } from '@tessera/events';
import { codeUnusableError, unusableReason } from '../access/code-usability';
import { RedemptionService } from '../access/redemption.service';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { ParticipantsService } from '../contracts/participants.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { User } from '../identity/entities/user.entity';
import { normalizeEmail, UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { Code, CodeStatus } from '../inventory/entities/code.entity';
import { CodeVoided } from '../inventory/events/inventory.events';
import { MAX_INVITATIONS_PER_CALL, type InvitationFilter, type InviteByEmailInput, type InviteByEmailPayload } from './dto/invitation.dto';
import { Invitation, InvitationStatus } from './entities/invitation.entity';
import { InvitationStore } from './invitation-store';
import { CLOSED_ERROR_REASON, type ClosedStatus, invalidLink } from './invitation-status';
import {
  InvitationCreated,
  InvitationLinkRenewed,
  InvitationRevoked,
  InvitationsExpired,
  InvitationsInvalidated,
} from './events/invitation.events';

const ADMIN = { role: MemberRole.ORG_ADMIN };
/** Who may see an organisation's invitations: its admins. */
export const INVITATION_READERS = ADMIN;
const DAY_MS = 86_400_000;

/**
 * E-mail invitations (workflow B, option 2), the organisation's side: each holds a seat (its code
 * PENDING) until someone accepts (InvitationAcceptance); several may share a seat and the first
 * acceptance wins it, the others become INVALIDATED. Every change locks the code before the invitations that point at it, so accepting,
 * revoking, voiding and expiring never deadlock one another.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly users: UsersService,
    private readonly redemption: RedemptionService,
    private readonly events: EventBus,
    private readonly eventSecrets: EventSecrets,
    private readonly participants: ParticipantsService,
    private readonly store: InvitationStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get invitations() {
    return this.txHost.tx.getRepository(Invitation);
  }

  @Transactional()
  async invite(
    actor: Actor,
    input: InviteByEmailInput,
    onProgress?: (done: number, total: number) => Promise<void>,
  ): Promise<InviteByEmailPayload> {
    const emails = checkInvite(input);
    await this.access.requireOrganization(actor, input.organizationId, ADMIN);
    const accounts = await this.users.findByEmails(emails);
    await this.refuseHolders(emails, input, accounts);
    const seats = input.priceId
      ? await this.holdSeatsOfPrice(input.organizationId, input.priceId, emails.length)
      : emails.map(() => undefined);
    const shared = input.codeId ? await this.holdNamedSeat(input.organizationId, input.codeId, emails) : undefined;
    const message = input.message?.trim() || null;
    const invitations: Invitation[] = [];
    // A part at a time: a CSV of thousands of addresses reports progress, and no statement grows without bound.
    for (let from = 0; from < emails.length; from += MAX_INVITATIONS_PER_CALL) {
      const part = emails
        .slice(from, from + MAX_INVITATIONS_PER_CALL)
        .map((email, index) => ({ email, seat: shared ?? seats[from + index]! }));
      invitations.push(...(await this.createAll(actor, part, message)));
      await onProgress?.(invitations.length, emails.length);
    }
    const seatsRemaining = input.priceId ? await this.codes.countSeats(input.organizationId, input.priceId) : null;
    return { invitations, seatsRemaining };
  }

  /**
   * Holds a (locked) seat for an existing account an admin gave it to without being its member:
   * a seat invitation as inviteByEmail makes, but no organisation mail — the person is offered
   * membership by the platform's invitation to join, and takes the seat on accepting it.
   */
  async holdSeatForJoin(actor: Actor, seat: Code, email: string): Promise<Invitation> {
    await this.holdSeat(seat);
    const { hash } = newSecretToken(); // a link nobody is given; copyLink makes a usable one
    const shared = { message: null, expiresAt: this.expiry(), invitedByUserId: actorUserId(actor), lastSentAt: new Date() };
    const id = newId();
    await this.store.insertPending(shared, [
      { id, organizationId: seat.organizationId, codeId: seat.id, email: normalizeEmail(email), tokenHash: hash },
    ]);
    await this.events.publish(
      new InvitationCreated(
        { invitationId: id, codeId: seat.id, email: normalizeEmail(email) },
        {
          organizationId: seat.organizationId,
          actorId: shared.invitedByUserId,
        },
      ),
    );
    return (await this.invitations.findOneBy({ id }))!;
  }

  /**
   * Holds a (locked) seat an admin gave to a member who has its product through another
   * organisation: an ordinary invitation, mailed to them, instead of a grant the one-grant index
   * would refuse. The organisation is not told why (its answer names no user and no grant, as for
   * everyone it gives a seat without a grant); the person, accepting, is told they have access
   * already, and the seat goes back (giveBackIfHolder).
   */
  async inviteToSeat(actor: Actor, seat: Code, user: User): Promise<Invitation> {
    await this.holdSeat(seat);
    const [invitation] = await this.createAll(actor, [{ email: normalizeEmail(user.email), seat }], null);
    return invitation!;
  }

  /** A (locked) seat becomes PENDING; one that could not be taken now is refused as taking it would be (used, void, expired). */
  private async holdSeat(seat: Code): Promise<void> {
    const [contract] = seat.contractId ? await this.contracts.findContractsByIds([seat.contractId]) : [];
    const reason = unusableReason(seat, contract ?? null, { allowPending: true });
    if (reason) throw codeUnusableError(reason, seat.code);
    if (seat.status === CodeStatus.AVAILABLE) {
      const moved = await this.codes.transition(seat.id, [CodeStatus.AVAILABLE], CodeStatus.PENDING);
      if (!moved) throw new ConflictError('The seat was taken while it was being held.', { reason: ErrorReason.NOT_AVAILABLE });
    }
  }

  /**
   * A held seat was taken (by accepting one of its invitations, `accepted`, or given directly): its
   * other pending invitations lose it, in the caller's transaction. Called by whoever took it, so
   * taking a seat runs one way — invitations or distribution to access — and never back.
   */
  async invalidateOthers(seat: Pick<Code, 'id' | 'organizationId'>, accepted: string | null, actorId: string | null): Promise<void> {
    const [invalidated] = (await this.txHost.tx.query(
      `UPDATE invitation SET status = 'INVALIDATED', closed_at = now(), updated_at = now()
        WHERE code_id = $1 AND status = 'PENDING' AND id IS DISTINCT FROM $2::uuid RETURNING id`,
      [seat.id, accepted],
    )) as [{ id: string }[], number];
    if (!invalidated.length) return;
    await this.events.publish(
      new InvitationsInvalidated(
        { invitationIds: invalidated.map((row) => row.id), codeId: seat.id },
        { organizationId: seat.organizationId, actorId },
      ),
    );
  }

  /** A voided seat cannot be taken: its pending invitations are withdrawn. */
  @OnEventInTransaction(CodeVoided)
  async onCodeVoided(event: CodeVoided): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE invitation SET status = 'REVOKED', closed_at = now(), updated_at = now() WHERE code_id = $1 AND status = 'PENDING'`,
      [event.payload.codeId],
    );
  }

  async list(actor: Actor, organizationId: string, page: PageArgs, filter: InvitationFilter = {}): Promise<ConnectionShape<Invitation>> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    const query = this.invitations
      .createQueryBuilder('invitation')
      .where('invitation.organization_id = :organizationId', { organizationId });
    if (filter.status?.length) {
      // PENDING means still acceptable; a pending invitation past its expiry counts as EXPIRED.
      const conditions = filter.status.map((status) =>
        status === InvitationStatus.PENDING
          ? `(invitation.status = 'PENDING' AND invitation.expires_at > now())`
          : status === InvitationStatus.EXPIRED
            ? `(invitation.status = 'EXPIRED' OR (invitation.status = 'PENDING' AND invitation.expires_at <= now()))`
            : `invitation.status = '${status}'`,
      );
      query.andWhere(`(${conditions.join(' OR ')})`);
    }
    if (filter.codeId) {
      // Another organisation's code is NOT_FOUND, as it is wherever a code is named.
      const [code] = await this.codes.findByIds([filter.codeId]);
      if (code?.organizationId !== organizationId) throw new NotFoundError('Code', filter.codeId);
      query.andWhere('invitation.code_id = :codeId', { codeId: filter.codeId });
    }
    if (filter.search?.trim()) query.andWhere('invitation.email ILIKE :search', { search: containsPattern(filter.search.trim()) });
    return paginate(query, page);
  }

  /** A fresh link to pass on by hand; the old link stops working and the expiry starts again. */
  @Transactional()
  async copyLink(actor: Actor, invitationId: string): Promise<{ invitation: Invitation; url: string }> {
    return this.renew(actor, invitationId, false);
  }

  /** Mails the invitation again with a fresh link (the old one stops working). */
  @Transactional()
  async resend(actor: Actor, invitationId: string): Promise<Invitation> {
    return (await this.renew(actor, invitationId, true)).invitation;
  }

  /** Withdraws a pending invitation; the seat is free again unless another invitation still holds it. */
  @Transactional()
  async revoke(actor: Actor, invitationId: string): Promise<Invitation> {
    const found = await this.load(actor, invitationId);
    await this.codes.lockById(found.codeId);
    const invitation = (await this.invitations.findOneBy({ id: found.id }))!;
    if (invitation.status !== InvitationStatus.PENDING) {
      throw new ConflictError(`Only a pending invitation can be revoked; this one is ${invitation.status}.`, {
        reason: CLOSED_ERROR_REASON[invitation.status],
      });
    }
    await this.invitations.update({ id: invitation.id }, { status: InvitationStatus.REVOKED, closedAt: new Date() });
    const seatReleased = await this.releaseIfUnheld(invitation.codeId);
    await this.events.publish(
      new InvitationRevoked(
        { invitationId: invitation.id, codeId: invitation.codeId, seatReleased },
        { organizationId: invitation.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return (await this.invitations.findOneBy({ id: invitation.id }))!;
  }

  /**
   * Ends pending invitations past their expiry and frees their seats; run by the workers. One
   * seat per transaction, code first, like every other change here.
   */
  async expireOverdue(limit = 500): Promise<number> {
    const overdue = (await this.txHost.tx.query(
      `SELECT DISTINCT code_id FROM invitation WHERE status = 'PENDING' AND expires_at <= now() LIMIT $1`,
      [limit],
    )) as { code_id: string }[];
    for (const { code_id: codeId } of overdue) await this.expireSeat(codeId);
    return overdue.length;
  }

  @Transactional()
  private async expireSeat(codeId: string): Promise<void> {
    const code = await this.codes.lockById(codeId);
    const [expired] = (await this.txHost.tx.query(
      `UPDATE invitation SET status = 'EXPIRED', closed_at = now(), updated_at = now()
        WHERE code_id = $1 AND status = 'PENDING' AND expires_at <= now() RETURNING id`,
      [codeId],
    )) as [{ id: string }[], number];
    if (!expired.length || !code) return;
    const released = await this.releaseIfUnheld(codeId);
    await this.events.publish(
      new InvitationsExpired(
        { invitationIds: expired.map((row) => row.id), releasedCodeIds: released ? [codeId] : [] },
        { organizationId: code.organizationId },
      ),
    );
  }

  private async renew(actor: Actor, invitationId: string, resend: boolean): Promise<{ invitation: Invitation; url: string }> {
    const found = await this.load(actor, invitationId);
    // The code first, as everywhere: an acceptance, a revocation or the expiry cannot slip in between.
    await this.codes.lockById(found.codeId);
    const { token, hash } = newSecretToken();
    const [renewed] = (await this.txHost.tx.query(
      `UPDATE invitation SET token_hash = $2, expires_at = $3, last_sent_at = CASE WHEN $4 THEN now() ELSE last_sent_at END, updated_at = now()
        WHERE id = $1 AND status = 'PENDING' RETURNING id`,
      [invitationId, hash, this.expiry(), resend],
    )) as [{ id: string }[], number];
    if (!renewed.length) {
      // The guarded UPDATE found it no longer PENDING.
      const status = (await this.invitations.findOneBy({ id: invitationId }))!.status as ClosedStatus;
      throw new ConflictError(`Only a pending invitation has a link; this one is ${status}.`, { reason: CLOSED_ERROR_REASON[status] });
    }
    const invitation = (await this.invitations.findOneBy({ id: invitationId }))!;
    await this.events.publish(
      new InvitationLinkRenewed(
        // A re-sent link goes to the mail sealed; a copied one only to the admin who asked.
        { invitationId, resent: resend, mailSecrets: resend ? this.mailSecrets(token) : null },
        { organizationId: invitation.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { invitation: (await this.invitations.findOneBy({ id: invitationId }))!, url: this.acceptUrl(token) };
  }

  /**
   * Invitations for the held seats and their InvitationCreated events, in a few statements; each
   * event carries its link sealed, for the mail notifications sends after commit.
   */
  private async createAll(actor: Actor, entries: { email: string; seat: Code }[], message: string | null): Promise<Invitation[]> {
    // Their mails follow their events: they count as sent from now.
    const shared = { message, expiresAt: this.expiry(), invitedByUserId: actorUserId(actor), lastSentAt: new Date() };
    const links = entries.map(({ email, seat }) => ({ email, seat, id: newId(), ...newSecretToken() }));
    const createdAt = await this.store.insertPending(
      shared,
      links.map(({ id, email, seat, hash }) => ({ id, organizationId: seat.organizationId, codeId: seat.id, email, tokenHash: hash })),
    );
    const made = links.map(({ id, email, seat, token, hash }) => ({
      token,
      seat,
      invitation: this.invitations.create({
        ...shared,
        id,
        organizationId: seat.organizationId,
        codeId: seat.id,
        email,
        tokenHash: hash,
        status: InvitationStatus.PENDING,
        acceptedByUserId: null,
        closedAt: null,
        createdAt,
        updatedAt: createdAt,
      }),
    }));
    const actorId = shared.invitedByUserId;
    for (const { invitation, token } of made) {
      await this.events.publish(
        new InvitationCreated(
          { invitationId: invitation.id, codeId: invitation.codeId, email: invitation.email, mailSecrets: this.mailSecrets(token) },
          { organizationId: invitation.organizationId, actorId },
        ),
      );
    }
    return made.map(({ invitation }) => invitation);
  }

  /**
   * Inviting someone who already has the product from this organisation would hold a seat nobody
   * can take. Only this organisation's grants count: access through another organisation is not
   * its to know (issue 16). Such a person is invited like anyone; accepting tells them they have
   * access already and gives the seat back (giveBackIfHolder).
   */
  private async refuseHolders(emails: string[], input: InviteByEmailInput, accounts: readonly User[]): Promise<void> {
    const [code] = input.codeId ? await this.codes.findByIds([input.codeId]) : [];
    const priceId = input.priceId ?? code?.priceId;
    const [price] = priceId ? await this.contracts.findPricesByIds([priceId]) : [];
    if (!price) return;
    const holders = await this.redemption.holdersOf(
      price.productId,
      accounts.map((user) => user.id),
      { in: input.organizationId },
    );
    const holding = new Set(accounts.filter((user) => holders.has(user.id)).map((user) => user.email));
    const problems = emails.flatMap((email, index) =>
      holding.has(email) ? [{ field: `emails.${index}`, message: 'already has access to this product' }] : [],
    );
    if (problems.length) throw new BadUserInputError(problems);
  }

  /** One free code of the price per address, each now PENDING. */
  private async holdSeatsOfPrice(organizationId: string, priceId: string, wanted: number): Promise<Code[]> {
    await this.contracts.usablePrice(organizationId, priceId); // another organisation's price is NOT_FOUND
    const seats = await this.codes.lockSeats(organizationId, priceId, wanted);
    if (seats.length < wanted) {
      throw new ConflictError(`${wanted} seats asked for, ${seats.length} free: nobody was invited.`, {
        reason: ErrorReason.NOT_ENOUGH_SEATS,
        requested: wanted,
        available: seats.length,
      });
    }
    // The seats are locked, so all of them move; the guard keeps that a rule, not a hope.
    const moved = await this.codes.transitionMany(
      seats.map((seat) => seat.id),
      [CodeStatus.AVAILABLE],
      CodeStatus.PENDING,
    );
    if (moved.length < seats.length) {
      throw new ConflictError('Some seats were taken while they were being held: nobody was invited.', {
        reason: ErrorReason.NOT_AVAILABLE,
      });
    }
    return seats.map((seat) => Object.assign(seat, { status: CodeStatus.PENDING }));
  }

  /** One seat for everyone invited now: an AVAILABLE code becomes PENDING; a PENDING one gains invitations. */
  private async holdNamedSeat(organizationId: string, codeId: string, emails: string[]): Promise<Code> {
    const code = await this.codes.lockById(codeId);
    if (!code || code.organizationId !== organizationId) throw new NotFoundError('Code', codeId);
    if ((await this.participants.findByCodeIds([code.id])).length) {
      throw new ConflictError("This code is a contract participant's own code: it is theirs to redeem.", {
        reason: ErrorReason.PARTICIPANT_CODE,
        field: 'codeId',
      });
    }
    const [contract] = code.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    const reason = unusableReason(code, contract ?? null, { allowPending: true });
    if (reason) throw codeUnusableError(reason, code.code);
    const invited = await this.invitations.find({ where: { codeId, status: InvitationStatus.PENDING } });
    const problems = emails.flatMap((email, index) =>
      invited.some((invitation) => invitation.email === email)
        ? [{ field: `emails.${index}`, message: 'is already invited for this seat: re-send that invitation instead' }]
        : [],
    );
    if (problems.length) throw new BadUserInputError(problems);
    if (code.status === CodeStatus.AVAILABLE) return (await this.codes.transition(code.id, [CodeStatus.AVAILABLE], CodeStatus.PENDING))!;
    return code;
  }

  /** Back to AVAILABLE when no pending invitation holds the (locked) code any more. */
  async releaseIfUnheld(codeId: string): Promise<boolean> {
    if (await this.invitations.existsBy({ codeId, status: InvitationStatus.PENDING })) return false;
    return Boolean(await this.codes.transition(codeId, [CodeStatus.PENDING], CodeStatus.AVAILABLE));
  }

  /** The invitation of a link; an unknown token is NOT_FOUND. */
  async byToken(token: string): Promise<Invitation> {
    const invitation = await this.invitations.findOneBy({ tokenHash: hashToken(token) });
    if (!invitation) throw invalidLink();
    return invitation;
  }

  private async load(actor: Actor, invitationId: string): Promise<Invitation> {
    const invitation = await this.invitations.findOneBy({ id: invitationId });
    if (!invitation) throw new NotFoundError('Invitation', invitationId);
    await this.access.require(actor, invitation.organizationId, ADMIN);
    return invitation;
  }

  /** One invitation, for the admins of its organisation. Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, invitationId: string): Promise<Invitation> {
    const invitation = await this.invitations.findOneBy({ id: invitationId });
    if (!invitation || !(await this.access.allows(actor, invitation.organizationId, ADMIN))) {
      throw new NotFoundError('Invitation', invitationId);
    }
    return invitation;
  }

  /** Invitations by id, without an access check: for subscribers and fields of data already checked. */
  findByIds(ids: readonly string[]): Promise<Invitation[]> {
    return this.invitations.findBy({ id: In([...ids]) });
  }

  /** The product behind a seat, if its price has one. */
  async productOf(code: Code | undefined) {
    const [price] = code?.priceId ? await this.contracts.findPricesByIds([code.priceId]) : [];
    return price ? (await this.contracts.findProductsByIds([price.productId]))[0] : undefined;
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.links.invitationTtlDays * DAY_MS);
  }

  private acceptUrl(token: string): string {
    return `${this.config.links.appUrl}/invitations/accept?token=${token}`;
  }

  /** What the invitation mail needs to show the link, sealed: the only way a token leaves the server but to the admin who copies it. */
  private mailSecrets(token: string): string {
    return this.eventSecrets.seal({ acceptUrl: this.acceptUrl(token) });
  }
}

/** Exactly one of priceId and codeId; addresses normalised and without repeats. */
function checkInvite(input: InviteByEmailInput): string[] {
  const problems: FieldError[] = [];
  if (Boolean(input.priceId) === Boolean(input.codeId)) problems.push({ field: 'priceId', message: 'give either priceId or codeId' });
  const emails = input.emails.map(normalizeEmail);
  const seen = new Set<string>();
  emails.forEach((email, index) => {
    if (seen.has(email)) problems.push({ field: `emails.${index}`, message: 'appears twice' });
    seen.add(email);
  });
  if (problems.length) throw new BadUserInputError(problems);
  return emails;
}
