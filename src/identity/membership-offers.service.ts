import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ErrorReason, ForbiddenError, hashToken, newId, newSecretToken, NotFoundError } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { IsNull, MoreThan } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MemberRole } from './entities/membership.entity';
import { MembershipInvitation, MembershipInvitationStatus } from './entities/membership-invitation.entity';
import { MembershipOffered } from './events/identity.events';
import { OrganizationsService } from './organizations.service';
import { RateLimiter } from './rate-limiter.service';
import { UsersService } from './users.service';

const DAY_MS = 86_400_000;
/** Link look-ups per client address and minute, as for seat invitations: people need a few, guessing needs millions. */
const LOOKUPS_PER_MINUTE = 30;
/**
 * Join mails one organisation can make the platform send one account in a day (the last 24 hours).
 * Offers past it are still recorded, holding their seat, and answered alike: only the mail is left
 * out, so the organisation learns nothing, and the owner's inbox is not the organisation's to fill.
 */
export const JOIN_MAILS_PER_DAY = 3;
/** pg_advisory_xact_lock's first key for "offers of one organisation to one account" (code-store has 7_246_101–102). */
const OFFER_LOCK = 7_246_103;

export interface NewOffer {
  organizationId: string;
  userId: string;
  role: MemberRole;
  actorId: string | null;
  /** A seat invitation holding a seat for the person, taken when they accept. */
  seatInvitationId?: string | null;
}

/**
 * Invitations to join for existing accounts: an organisation's admin never attaches an account that
 * is not yet a member; the platform mails its owner a link (its own template, never the
 * organisation's) and the account joins when the owner, signed in, accepts.
 */
@Injectable()
export class MembershipOffersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get offers() {
    return this.txHost.tx.getRepository(MembershipInvitation);
  }

  /**
   * Records the offer and publishes it (its mail makes the link), in the caller's transaction. An
   * offer without a seat while an earlier one is still open changes nothing and mails nothing: an
   * organisation cannot flood a stranger's inbox by adding them again and again. An offer with a
   * seat is always recorded (each holds its own seat, which revoking gives back), but past
   * `JOIN_MAILS_PER_DAY` offers of the organisation to the account in 24 hours it is not mailed:
   * assigning a seat and revoking it, again and again, mails the owner three times a day at most.
   * Offers of one organisation to one account are counted one at a time (an advisory lock), so
   * simultaneous ones cannot all slip under the bound.
   */
  @Transactional()
  async offer(offer: NewOffer): Promise<MembershipInvitation> {
    if (!offer.seatInvitationId) {
      const open = await this.offers.findOne({
        where: {
          organizationId: offer.organizationId,
          userId: offer.userId,
          seatInvitationId: IsNull(),
          status: MembershipInvitationStatus.PENDING,
          expiresAt: MoreThan(new Date()),
        },
      });
      if (open) return open;
    }
    await this.txHost.tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OFFER_LOCK, `${offer.organizationId}:${offer.userId}`]);
    const offeredToday = await this.offers.count({
      where: { organizationId: offer.organizationId, userId: offer.userId, createdAt: MoreThan(new Date(Date.now() - DAY_MS)) },
    });
    const record = this.offers.create({
      id: newId(),
      organizationId: offer.organizationId,
      userId: offer.userId,
      role: offer.role,
      seatInvitationId: offer.seatInvitationId ?? null,
      tokenHash: null,
      status: MembershipInvitationStatus.PENDING,
      invitedByUserId: offer.actorId,
      expiresAt: new Date(Date.now() + this.config.links.invitationTtlDays * DAY_MS),
      acceptedAt: null,
    });
    await this.offers.insert(record);
    await this.events.publish(
      new MembershipOffered(
        { membershipInvitationId: record.id, userId: record.userId, role: record.role, mailed: offeredToday < JOIN_MAILS_PER_DAY },
        { organizationId: record.organizationId, actorId: offer.actorId },
      ),
    );
    return record;
  }

  findById(id: string): Promise<MembershipInvitation | null> {
    return this.offers.findOneBy({ id });
  }

  /** The link for the mail (the only place its token goes); a newer link replaces an older one. */
  @Transactional()
  async issueLink(id: string): Promise<{ url: string; expiresAt: Date }> {
    const { token, hash } = newSecretToken();
    await this.offers.update({ id }, { tokenHash: hash });
    const offer = (await this.offers.findOneBy({ id }))!;
    return { url: `${this.config.links.appUrl}/join?token=${token}`, expiresAt: offer.expiresAt };
  }

  /**
   * What a link is for, for its page: the organisation and the invited address, and why it cannot
   * be accepted any more (null while it can). An unknown token is NOT_FOUND.
   */
  async lookUp(
    token: string,
    clientAddress: string,
  ): Promise<{ organizationName: string; email: string; closed: string | null; expiresAt: Date }> {
    await this.limiter.consume({ key: `join-lookup:client:${clientAddress}`, max: LOOKUPS_PER_MINUTE, windowSeconds: 60 }, 1);
    const offer = await this.offers.findOneBy({ tokenHash: hashToken(token) });
    if (!offer) throw invalidLink();
    const [[organization], user] = await Promise.all([
      this.organizations.findByIds([offer.organizationId]),
      this.users.findById(offer.userId),
    ]);
    return {
      organizationName: organization?.name ?? '',
      email: user?.email ?? '',
      closed: closedMessage(offer),
      expiresAt: offer.expiresAt,
    };
  }

  /**
   * Marks the offer of this link accepted by `userId` (locked, so it is taken once), in the
   * caller's transaction. Someone signed in as another account is refused: only the owner consents.
   */
  @Transactional()
  async take(token: string, userId: string): Promise<MembershipInvitation> {
    const offer = await this.offers.findOne({ where: { tokenHash: hashToken(token) }, lock: { mode: 'pessimistic_write' } });
    if (!offer) throw invalidLink();
    if (offer.userId !== userId) throw new ForbiddenError('This invitation is for another account: sign in as the person it was sent to.');
    const closed = closedMessage(offer);
    if (closed) {
      throw new ConflictError(closed, {
        reason: offer.status === MembershipInvitationStatus.ACCEPTED ? ErrorReason.ACCEPTED : ErrorReason.EXPIRED,
      });
    }
    await this.offers.update({ id: offer.id }, { status: MembershipInvitationStatus.ACCEPTED, acceptedAt: new Date() });
    return offer;
  }
}

function invalidLink(): NotFoundError {
  const error = new NotFoundError('Invitation');
  error.message = 'This invitation link is not valid: check it, or ask for a new one (a newer link replaces an older one).';
  return error;
}

/** Why an offer cannot be accepted now; null when it can. */
function closedMessage(offer: MembershipInvitation): string | null {
  if (offer.status === MembershipInvitationStatus.ACCEPTED) return 'This invitation has already been accepted.';
  if (offer.expiresAt <= new Date()) return 'This invitation has expired: ask the organisation for a new one.';
  return null;
}
