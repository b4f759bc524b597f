import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, Loaders, NotFoundError } from '@tessera/common';
import { actsForPlatform, type Actor } from './auth/actor';
import { ApiKeyScope, scopeLabel } from './auth/api-key-scope';
import { MemberRole, Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';

export interface RoleRequirement {
  /** The least role needed: ORG_ADMIN, or MEMBER (any connected user). */
  role: MemberRole;
  /** Whether the organisation's own API keys may do this (integrations such as order reporting). */
  apiKey?: boolean;
  /** The scope that lets a platform API key do this for any organisation (none: platform keys may not). */
  scope?: ApiKeyScope;
}

/**
 * The one place that decides whether a caller may touch an organisation's data. Callers pass the
 * organisation that owns the data they loaded, never an id taken from the request alone.
 */
@Injectable()
export class AccessPolicy {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async require(actor: Actor, organizationId: string, requirement: RoleRequirement): Promise<void> {
    if (!(await this.allows(actor, organizationId, requirement))) {
      throw new ForbiddenError(
        requirement.role === MemberRole.ORG_ADMIN
          ? 'Only admins of the organisation that owns this may do this.'
          : 'Only members of the organisation that owns this may see it.',
      );
    }
  }

  /** For operations aimed at an organisation itself: NOT_FOUND when it does not exist, then the role. */
  async requireOrganization(actor: Actor, organizationId: string, requirement: RoleRequirement): Promise<void> {
    if (!(await this.txHost.tx.getRepository(Organization).existsBy({ id: organizationId }))) {
      throw new NotFoundError('Organization', organizationId);
    }
    await this.require(actor, organizationId, requirement);
  }

  /** For platform-wide operations: operators, platform admins, and platform API keys holding `scope`. */
  requirePlatform(actor: Actor, scope: ApiKeyScope): void {
    if (actsForPlatform(actor)) return;
    if (actor.kind === 'platformKey') {
      if (actor.scopes.includes(scope)) return;
      throw new ForbiddenError(`This needs the API key scope ${scopeLabel(scope)}, which this platform API key does not hold.`);
    }
    throw new ForbiddenError('Only platform admins may do this.');
  }

  async allows(actor: Actor, organizationId: string, requirement: RoleRequirement): Promise<boolean> {
    if (actor.kind !== 'user' || actor.isPlatformAdmin) return allowsWithoutRole(actor, organizationId, requirement);
    const membership = await this.txHost.tx.getRepository(Membership).findOneBy({ organizationId, userId: actor.userId });
    return roleMeets(membership?.role ?? null, requirement);
  }

  /**
   * `allows`, for the related objects of a page (a field of each item): the caller's roles are read
   * once per request, in one query for every organisation asked about, through the request's loaders.
   */
  async allowsWithin(loaders: Loaders, actor: Actor, organizationId: string, requirement: RoleRequirement): Promise<boolean> {
    if (actor.kind !== 'user' || actor.isPlatformAdmin) return allowsWithoutRole(actor, organizationId, requirement);
    const role = await loaders
      .get<MemberRole>(`roles-of-caller:${actor.userId}`, async (organizationIds) => {
        const memberships = await this.txHost.tx
          .getRepository(Membership)
          .createQueryBuilder('membership')
          .where('membership.user_id = :userId AND membership.organization_id = ANY(:organizationIds)', {
            userId: actor.userId,
            organizationIds: [...organizationIds],
          })
          .getMany();
        const roles = new Map(memberships.map((membership) => [membership.organizationId, membership.role]));
        return organizationIds.map((id) => roles.get(id) ?? null);
      })
      .load(organizationId);
    return roleMeets(role, requirement);
  }

  /** Organisations whose data the caller may read (null: all of them, for platform admins). */
  async readableOrganizationIds(actor: Actor): Promise<string[] | null> {
    if (actor.kind === 'apiKey') return [actor.organizationId];
    // Listing organisations is no scope's: a platform key reads one by its reference instead.
    if (actor.kind === 'platformKey') return [];
    if (actor.kind === 'operator' || actor.isPlatformAdmin) return null;
    const memberships = await this.txHost.tx.getRepository(Membership).findBy({ userId: actor.userId });
    return memberships.map((m) => m.organizationId);
  }
}

/** The answer for callers whose role in an organisation does not count: API keys, platform keys, platform admins, operators. */
function allowsWithoutRole(actor: Actor, organizationId: string, requirement: RoleRequirement): boolean {
  if (actor.kind === 'apiKey') return Boolean(requirement.apiKey) && actor.organizationId === organizationId;
  // A platform key is no platform admin: only what the requirement's scope names, never a role.
  if (actor.kind === 'platformKey') return Boolean(requirement.scope) && actor.scopes.includes(requirement.scope!);
  return true;
}

function roleMeets(role: MemberRole | null, requirement: RoleRequirement): boolean {
  if (!role) return false;
  return requirement.role === MemberRole.MEMBER || role === MemberRole.ORG_ADMIN;
}
