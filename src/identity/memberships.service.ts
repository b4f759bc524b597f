import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  ConnectionShape,
  containsPattern,
  ErrorReason,
  ForbiddenError,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
} from '@tessera/common';
import { In } from 'typeorm';
import { EventBus } from '@tessera/events';
import { AccessPolicy } from './access-policy.service';
import { actorUserId, actsForPlatform, type Actor } from './auth/actor';
import { MemberRole, Membership } from './entities/membership.entity';
import type { User } from './entities/user.entity';
import { MemberAdded, MembershipOfferAccepted, MemberRemoved, MemberRoleChanged } from './events/identity.events';
import { MembershipOffersService } from './membership-offers.service';
import { UsersService, type NewUser } from './users.service';

export interface MemberFilter {
  search?: string | null;
  role?: MemberRole | null;
}

@Injectable()
export class MembershipsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly users: UsersService,
    private readonly events: EventBus,
    private readonly offers: MembershipOffersService,
  ) {}

  private get memberships() {
    return this.txHost.tx.getRepository(Membership);
  }

  /** An organisation's members, searchable by name and e-mail (organisation admins). */
  async list(actor: Actor, organizationId: string, args: PageArgs, filter: MemberFilter = {}): Promise<ConnectionShape<Membership>> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    const query = this.memberships
      .createQueryBuilder('membership')
      .innerJoin('membership.user', 'user')
      .where('membership.organization_id = :organizationId', { organizationId });
    if (filter.role) query.andWhere('membership.role = :role', { role: filter.role });
    if (filter.search?.trim()) {
      query.andWhere(
        "(user.email ILIKE :term OR user.first_name ILIKE :term OR user.last_name ILIKE :term OR (user.first_name || ' ' || user.last_name) ILIKE :term)",
        { term: containsPattern(filter.search.trim()) },
      );
    }
    return paginate(query, args);
  }

  /** Memberships of one user (their own organisations). */
  listOfUser(userId: string): Promise<Membership[]> {
    return this.memberships.find({ where: { userId }, order: { id: 'ASC' } });
  }

  /**
   * Adds a person by e-mail. A new address gets an account made by this organisation (unverified,
   * so it reaches nothing else) and is a member at once. An existing account is never attached by
   * an organisation: its owner is mailed an invitation to join (the platform's, not the
   * organisation's) and joins by accepting it signed in. The answer is the same in both cases
   * (null), so no organisation learns whether an address has an account elsewhere; platform
   * admins and operators, who may see every account, connect directly and get the membership.
   */
  @Transactional()
  async addMember(actor: Actor, organizationId: string, person: NewUser, role: MemberRole): Promise<Membership | null> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    return this.enrol(actor, organizationId, person, role);
  }

  /**
   * addMember's work, for a caller that has checked the actor may act for the organisation
   * (onboarding, by a platform key that is no admin of it). The same consent rules: only
   * platform admins and operators connect an existing account directly; anyone else offers.
   */
  @Transactional()
  async enrol(actor: Actor, organizationId: string, person: NewUser, role: MemberRole): Promise<Membership | null> {
    const existing = await this.users.findByEmail(person.email);
    if (!existing) {
      const user = await this.users.create({ ...person, homeOrganizationId: organizationId }, actorUserId(actor));
      const membership = await this.connect(actor, organizationId, user.id, role);
      return actsForPlatform(actor) ? membership : null;
    }
    return this.connectOrOffer(actor, organizationId, existing.id, role);
  }

  /** Connects an existing account: directly for the platform, by an invitation to join for an organisation (null). */
  @Transactional()
  async connectUser(actor: Actor, organizationId: string, userId: string, role: MemberRole): Promise<Membership | null> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    if (!(await this.users.findById(userId))) throw new NotFoundError('User', userId);
    return this.connectOrOffer(actor, organizationId, userId, role);
  }

  /**
   * An organisation's way to an account that is not its member yet: an invitation to join, mailed
   * by the platform, holding `seatInvitationId`'s seat when there is one. The caller has checked
   * the actor may act for the organisation.
   */
  @Transactional()
  async offer(
    actor: Actor,
    organizationId: string,
    userId: string,
    role: MemberRole,
    seatInvitationId: string | null = null,
  ): Promise<void> {
    await this.offers.offer({ organizationId, userId, role, actorId: actorUserId(actor), seatInvitationId });
  }

  /**
   * The owner of an invited account, signed in, accepts: the link came by mail to the address, so
   * the address is proven too; they become a member and take the seat held for them (in the same
   * transaction, by the invitations module reacting to the event).
   */
  @Transactional()
  async acceptOffer(actor: Actor, token: string): Promise<Membership> {
    if (actor.kind !== 'user') throw new ForbiddenError('Only the invited person, signed in, can accept an invitation to join.');
    const offer = await this.offers.take(token, actor.userId);
    await this.users.markVerified(actor.userId);
    await this.insert(offer.organizationId, offer.userId, offer.role, actor.userId);
    await this.events.publish(
      new MembershipOfferAccepted(
        { membershipInvitationId: offer.id, userId: offer.userId, role: offer.role, seatInvitationId: offer.seatInvitationId },
        { organizationId: offer.organizationId, actorId: actor.userId },
      ),
    );
    return (await this.memberships.findOneBy({ organizationId: offer.organizationId, userId: offer.userId }))!;
  }

  /**
   * Makes sure a person belongs to the organisation (as a member, unless they already have a
   * role), without an admin's check: for redeeming a code, which is what connects them. An
   * unverified account joins only the organisation that made it (FORBIDDEN elsewhere): it may
   * hold a password someone else chose. A caller that has read the account already (`account`)
   * spares a verified one the look-ups: redeeming stays one statement here, as before.
   */
  @Transactional()
  async ensureMember(
    organizationId: string,
    userId: string,
    actorId: string | null,
    account?: Pick<User, 'emailVerifiedAt'>,
  ): Promise<void> {
    if (!account?.emailVerifiedAt) {
      if (await this.isMember(organizationId, userId)) return;
      const confinedTo = await this.users.confinementOf(userId, organizationId);
      if (confinedTo && confinedTo !== organizationId) throw unverifiedElsewhere();
    }
    await this.insert(organizationId, userId, MemberRole.MEMBER, actorId);
  }

  /** Which of these people belong to the organisation (any role). */
  async memberIdsAmong(organizationId: string, userIds: readonly string[]): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.memberships.findBy({ organizationId, userId: In([...userIds]) });
    return rows.map((membership) => membership.userId);
  }

  /** Whether the person belongs to the organisation (any role). */
  async isMember(organizationId: string, userId: string): Promise<boolean> {
    return this.memberships.existsBy({ organizationId, userId });
  }

  /** Which of these organisation and person pairs are memberships, as `organizationId/userId` (a DataLoader batch). */
  async existingPairs(pairs: readonly { organizationId: string; userId: string }[]): Promise<Set<string>> {
    if (!pairs.length) return new Set();
    const rows: { pair: string }[] = await this.txHost.tx.query(
      `SELECT m.organization_id || '/' || m.user_id AS pair
         FROM membership m JOIN unnest($1::uuid[], $2::uuid[]) AS asked(organization_id, user_id) USING (organization_id, user_id)`,
      [pairs.map((pair) => pair.organizationId), pairs.map((pair) => pair.userId)],
    );
    return new Set(rows.map((row) => row.pair));
  }

  /** One membership: for its own member, and for the admins of its organisation. Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, membershipId: string): Promise<Membership> {
    const membership = await this.memberships.findOneBy({ id: membershipId });
    const shown =
      membership &&
      ((actor.kind === 'user' && actor.userId === membership.userId) ||
        (await this.access.allows(actor, membership.organizationId, { role: MemberRole.ORG_ADMIN })));
    if (!shown) throw new NotFoundError('Membership', membershipId);
    return membership;
  }

  /**
   * One person: for themselves, platform admins, and the admins and API keys of an organisation
   * they belong to. Anyone else: NOT_FOUND, as for no such account (an organisation learns nothing
   * of accounts that are not its own).
   */
  async person(actor: Actor, userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.mayReadPerson(actor, userId))) throw new NotFoundError('User', userId);
    return user;
  }

  private async mayReadPerson(actor: Actor, userId: string): Promise<boolean> {
    if ((actor.kind === 'user' && actor.userId === userId) || actsForPlatform(actor)) return true;
    const memberships = await this.memberships.findBy({ userId });
    for (const membership of memberships) {
      if (await this.access.allows(actor, membership.organizationId, { role: MemberRole.ORG_ADMIN, apiKey: true })) return true;
    }
    return false;
  }

  /** The organisation's admins, by e-mail (its alerts go to them). */
  async adminsOf(organizationId: string): Promise<User[]> {
    const admins = await this.memberships.find({
      where: { organizationId, role: MemberRole.ORG_ADMIN },
      relations: { user: true },
      order: { user: { email: 'ASC' } },
    });
    return admins.map((membership) => membership.user!);
  }

  @Transactional()
  async changeRole(actor: Actor, membershipId: string, role: MemberRole): Promise<Membership> {
    const membership = await this.load(membershipId);
    await this.access.require(actor, membership.organizationId, { role: MemberRole.ORG_ADMIN });
    if (membership.role === role) return membership;
    if (membership.role === MemberRole.ORG_ADMIN) await this.assertNotLastAdmin(membership);
    const from = membership.role;
    await this.memberships.update({ id: membership.id }, { role });
    await this.events.publish(
      new MemberRoleChanged(
        { membershipId: membership.id, userId: membership.userId, from, to: role },
        { organizationId: membership.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { ...membership, role };
  }

  @Transactional()
  async remove(actor: Actor, membershipId: string): Promise<Membership> {
    const membership = await this.load(membershipId);
    await this.access.require(actor, membership.organizationId, { role: MemberRole.ORG_ADMIN });
    if (membership.role === MemberRole.ORG_ADMIN) await this.assertNotLastAdmin(membership);
    await this.memberships.delete({ id: membership.id });
    await this.events.publish(
      new MemberRemoved(
        { membershipId: membership.id, userId: membership.userId, role: membership.role },
        { organizationId: membership.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return membership;
  }

  private async connectOrOffer(actor: Actor, organizationId: string, userId: string, role: MemberRole): Promise<Membership | null> {
    if (await this.isMember(organizationId, userId)) throw alreadyMember();
    if (actsForPlatform(actor)) return this.connect(actor, organizationId, userId, role);
    await this.offer(actor, organizationId, userId, role);
    return null;
  }

  private async connect(actor: Actor, organizationId: string, userId: string, role: MemberRole): Promise<Membership> {
    const id = await this.insert(organizationId, userId, role, actorUserId(actor));
    if (!id) throw alreadyMember();
    return (await this.memberships.findOneBy({ id }))!;
  }

  /** The new membership's id, or undefined when the person already belongs to the organisation. */
  private async insert(organizationId: string, userId: string, role: MemberRole, actorId: string | null): Promise<string | undefined> {
    const inserted = await this.memberships
      .createQueryBuilder()
      .insert()
      .values({ id: newId(), organizationId, userId, role })
      .orIgnore()
      .returning('id')
      .execute();
    const row = inserted.raw[0] as { id: string } | undefined;
    if (row) await this.events.publish(new MemberAdded({ membershipId: row.id, userId, role }, { organizationId, actorId }));
    return row?.id;
  }

  private async load(membershipId: string): Promise<Membership> {
    const membership = await this.memberships.findOne({ where: { id: membershipId }, lock: { mode: 'pessimistic_write' } });
    if (!membership) throw new NotFoundError('Membership', membershipId);
    return membership;
  }

  /** Locks the organisation's admin rows, so two admins cannot demote each other at once. */
  private async assertNotLastAdmin(membership: Membership): Promise<void> {
    const admins = await this.memberships.find({
      where: { organizationId: membership.organizationId, role: MemberRole.ORG_ADMIN },
      lock: { mode: 'pessimistic_write' },
    });
    if (admins.filter((admin) => admin.id !== membership.id).length === 0) {
      throw new ConflictError('An organisation keeps at least one admin: make someone else admin first.', {
        reason: ErrorReason.LAST_ADMIN,
      });
    }
  }
}

function unverifiedElsewhere(): ForbiddenError {
  return new ForbiddenError(
    'Confirm your e-mail address first: until then this account reaches only the organisation that made it. Set your password with the ' +
      'link mailed to you (or ask for one: requestPasswordReset, "Forgotten your password?" on the sign-in page).',
  );
}

function alreadyMember(): ConflictError {
  return new ConflictError('This person is already a member of the organisation.', { reason: ErrorReason.ALREADY_MEMBER, field: 'email' });
}
