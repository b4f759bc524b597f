import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { AppError, BadUserInputError, ErrorReason, hashToken, UnauthenticatedError, type FieldError } from '@tessera/common';
import { EventBus, OnEventInTransaction } from '@tessera/events';
import { unusableReason } from '../access/code-usability';
import { AccessGrant } from '../access/entities/access-grant.entity';
import { RedemptionService } from '../access/redemption.service';
import { ContractsService } from '../contracts/contracts.service';
import { AuthService } from '../identity/auth.service';
import { passwordHasher } from '../identity/auth/password-hasher';
import { TokenService } from '../identity/auth/token.service';
import { User } from '../identity/entities/user.entity';
import { MembershipOfferAccepted } from '../identity/events/identity.events';
import { OrganizationsService } from '../identity/organizations.service';
import { RateLimiter } from '../identity/rate-limiter.service';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import type { AcceptInvitationInput, InvitationInfo } from './dto/invitation.dto';
import { Invitation, InvitationStatus } from './entities/invitation.entity';
import { InvitationAccepted, InvitationRevoked } from './events/invitation.events';
import { alreadyHasAccess, assertOpen, closedError, closedReason, invalidLink } from './invitation-status';
import { InvitationsService } from './invitations.service';

/** Link look-ups and acceptances per client address and minute: people need a few, guessing needs millions. */
const LOOKUPS_PER_MINUTE = 30;
const ACCEPTS_PER_MINUTE = 20;

/**
 * The other side of an invitation: the person who follows the link. Looks a link up for its page,
 * and accepts it — signing in to the invited address's account or making one — by taking the seat
 * (first acceptance wins; the code row is the lock two acceptances meet at). Also takes a seat held
 * for an account that accepted an invitation to join, and gives a seat back to the organisation
 * when its person has the product already.
 */
@Injectable()
export class InvitationAcceptance {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly inviting: InvitationsService,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
    private readonly redemption: RedemptionService,
    private readonly events: EventBus,
    private readonly limiter: RateLimiter,
  ) {}

  private get invitations() {
    return this.txHost.tx.getRepository(Invitation);
  }

  /** Public: what a link is for, for the accept page. Unknown tokens are NOT_FOUND. */
  async lookUp(token: string, clientAddress: string): Promise<InvitationInfo> {
    await this.limiter.consume({ key: `invitation-lookup:client:${clientAddress}`, max: LOOKUPS_PER_MINUTE, windowSeconds: 60 }, 1);
    const invitation = await this.inviting.byToken(token);
    const code = (await this.codes.findByIds([invitation.codeId]))[0];
    const [[organization], product] = await Promise.all([
      this.organizations.findByIds([invitation.organizationId]),
      this.inviting.productOf(code),
    ]);
    const [contract] = code?.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    const status = closedReason(invitation) ?? InvitationStatus.PENDING;
    // The seat itself must still be usable too (the code may expire, its contract may end).
    const seatUsable = unusableReason(code ?? null, contract ?? null, { allowPending: true }) === null;
    return {
      status,
      canAccept: status === InvitationStatus.PENDING && seatUsable,
      email: invitation.email,
      accountExists: Boolean(await this.users.findByEmail(invitation.email)),
      organizationName: organization?.name ?? '',
      productName: product?.name ?? null,
      message: invitation.message,
      expiresAt: invitation.expiresAt,
    };
  }

  /**
   * Takes the seat for the invited address: signs in to the existing account (its password) or
   * makes one, and redeems the seat. A late, expired or withdrawn invitation is CONFLICT with the
   * reason, and nothing changes.
   */
  async accept(
    input: AcceptInvitationInput,
    clientAddress: string,
  ): Promise<{ user: User; grant: AccessGrant; accessToken: string; expiresAt: Date }> {
    await this.limiter.consume({ key: `invitation-accept:client:${clientAddress}`, max: ACCEPTS_PER_MINUTE, windowSeconds: 60 }, 1);
    const invitation = await this.inviting.byToken(input.token);
    const existing = await this.users.findByEmail(invitation.email);
    // A withdrawn invitation whose person has the product by now says so, once they have signed in (giveBackIfHolder).
    if (!(existing && invitation.status === InvitationStatus.REVOKED)) assertOpen(invitation);
    let passwordHash: string | null = null;
    if (existing) {
      await this.auth.checkPassword(existing.email, input.password, clientAddress).catch((error: unknown) => {
        if (!(error instanceof UnauthenticatedError)) throw error;
        const hint = existing.passwordHash ? '' : ' (set one with the link of your account mail first)';
        throw new UnauthenticatedError(
          ErrorReason.WRONG_CREDENTIALS,
          `An account for ${existing.email} exists: enter its password to accept${hint}.`,
        );
      });
    } else {
      const problems: FieldError[] = [];
      if (!input.firstName?.trim()) problems.push({ field: 'firstName', message: 'is needed for a new account' });
      if (!input.lastName?.trim()) problems.push({ field: 'lastName', message: 'is needed for a new account' });
      if (input.password.length < 10) problems.push({ field: 'password', message: 'must be 10 to 1024 characters long' });
      if (problems.length) throw new BadUserInputError(problems);
      // Hashed before the transaction: argon2 is slow on purpose, and no row should wait for it.
      passwordHash = await passwordHasher.hash(input.password);
    }
    const taken = await this.acceptInTransaction(invitation.id, existing, input, passwordHash).catch(async (error: unknown) => {
      // They gained the product elsewhere while this ran: the grant was refused by the one-grant index and
      // everything rolled back; the seat is given back now, in a transaction of its own.
      if (!existing || !(error instanceof AppError) || error.details.reason !== ErrorReason.ALREADY_HAS_ACCESS) throw error;
      const givenBack = await this.giveBackInTransaction(invitation.id, existing.id, hashToken(input.token));
      if (!givenBack) throw error;
      return givenBack;
    });
    if (!('grant' in taken)) throw alreadyHasAccess(taken.productName);
    const { user, grant } = taken;
    return { ...this.tokens.issue(user), user, grant };
  }

  @Transactional()
  private async giveBackInTransaction(invitationId: string, userId: string, tokenHash: string): Promise<{ productName: string } | null> {
    return this.giveBackIfHolder(invitationId, userId, tokenHash);
  }

  @Transactional()
  private async acceptInTransaction(
    invitationId: string,
    existing: User | null,
    input: AcceptInvitationInput,
    passwordHash: string | null,
  ): Promise<{ user: User; grant: AccessGrant } | { productName: string }> {
    if (existing) {
      // Checked only now, when the account's owner has proved who they are: the inviting organisation
      // was not told, and only the seat going back shows it that this invitation ended unused.
      const givenBack = await this.giveBackIfHolder(invitationId, existing.id, hashToken(input.token));
      if (givenBack) return givenBack;
    }
    const invitation = (await this.invitations.findOneBy({ id: invitationId }))!;
    assertOpen(invitation);
    const user =
      existing ??
      // Made through a link its organisation's admin may have copied: unverified, and confined to that organisation.
      (await this.users.create({
        email: invitation.email,
        firstName: input.firstName!,
        lastName: input.lastName!,
        passwordHash,
        homeOrganizationId: invitation.organizationId,
      }));
    const grant = await this.takeSeat(invitation, user, hashToken(input.token));
    return { user, grant };
  }

  /**
   * The seat of an open invitation for `user`: redeemed, the invitation ACCEPTED, the seat's other
   * invitations INVALIDATED. With a token hash, only while the link is still that one (a renewed
   * link replaces it).
   */
  private async takeSeat(invitation: Invitation, user: User, tokenHash: string | null): Promise<AccessGrant> {
    // The seat first (the code row is the lock two acceptances meet at), then the invitations.
    const grant = await this.redemption
      .redeem({ codeId: invitation.codeId, userId: user.id, channel: 'INVITATION', invitationId: invitation.id, actorId: user.id })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.details.reason === ErrorReason.REDEEMED) throw closedError(InvitationStatus.INVALIDATED);
        throw error;
      });
    const [accepted] = (await this.txHost.tx.query(
      `UPDATE invitation SET status = 'ACCEPTED', accepted_by_user_id = $2, closed_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'PENDING' AND expires_at > now() AND ($3::text IS NULL OR token_hash = $3) RETURNING id`,
      [invitation.id, user.id, tokenHash],
    )) as [{ id: string }[], number];
    if (!accepted.length) {
      // Revoked or expired in the meantime: the redemption above is rolled back with this error.
      assertOpen((await this.invitations.findOneBy({ id: invitation.id }))!);
      throw invalidLink(); // still pending: a newer link replaced this one in the meantime
    }
    await this.inviting.invalidateOthers({ id: invitation.codeId, organizationId: invitation.organizationId }, invitation.id, user.id);
    await this.events.publish(
      new InvitationAccepted(
        { invitationId: invitation.id, codeId: invitation.codeId, userId: user.id, grantId: grant.id },
        { organizationId: invitation.organizationId, actorId: user.id },
      ),
    );
    return grant;
  }

  /**
   * The invited account accepted the invitation to join (same transaction): it takes the seat held
   * for it, unless that seat went meanwhile (someone else took it, it was withdrawn or expired) —
   * then the membership stands without it — or they hold the product already (the seat is freed).
   */
  @OnEventInTransaction(MembershipOfferAccepted)
  async onMembershipOfferAccepted(event: MembershipOfferAccepted): Promise<void> {
    const { seatInvitationId, userId } = event.payload;
    if (!seatInvitationId) return;
    const found = await this.invitations.findOneBy({ id: seatInvitationId });
    if (!found) return;
    await this.codes.lockById(found.codeId);
    const invitation = (await this.invitations.findOneBy({ id: seatInvitationId }))!;
    if (closedReason(invitation)) return;
    if (await this.giveBackIfHolder(invitation.id, userId, null)) return;
    const user = (await this.users.findById(userId))!;
    await this.takeSeat(invitation, user, null);
  }

  /**
   * When the invited person has the seat's product by now (through any organisation: another seat,
   * a code), the open invitation is closed as REVOKED and its seat goes back to the organisation, in
   * the caller's transaction; the product's name comes back for the person's message (also for an
   * invitation withdrawn before, e.g. by this on a double submit). Null otherwise: the caller goes
   * on and refuses a closed invitation with its reason. Locks the code first, as every change of an
   * invitation does, so what it reads then stays true until the commit.
   */
  private async giveBackIfHolder(invitationId: string, userId: string, tokenHash: string | null): Promise<{ productName: string } | null> {
    const found = (await this.invitations.findOneBy({ id: invitationId }))!;
    const code = await this.codes.lockById(found.codeId);
    const invitation = (await this.invitations.findOneBy({ id: invitationId }))!;
    const reason = closedReason(invitation);
    if (reason && reason !== InvitationStatus.REVOKED) return null;
    const product = await this.inviting.productOf(code ?? undefined);
    if (!product || !(await this.redemption.holdersOf(product.id, [userId])).has(userId)) return null;
    if (reason) return { productName: product.name };
    if (tokenHash && invitation.tokenHash !== tokenHash) throw invalidLink(); // a newer link replaced this one
    await this.invitations.update({ id: invitation.id }, { status: InvitationStatus.REVOKED, closedAt: new Date() });
    const seatReleased = await this.inviting.releaseIfUnheld(invitation.codeId);
    await this.events.publish(
      new InvitationRevoked(
        { invitationId: invitation.id, codeId: invitation.codeId, seatReleased },
        { organizationId: invitation.organizationId, actorId: userId },
      ),
    );
    return { productName: product.name };
  }
}
