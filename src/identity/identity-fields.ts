import { Injectable } from '@nestjs/common';
import { Loaders } from '@tessera/common';
import { AccessPolicy, type RoleRequirement } from './access-policy.service';
import { ApiKeysService } from './api-keys.service';
import { actsForPlatform, type Actor } from './auth/actor';
import type { ApiKey } from './entities/api-key.entity';
import { MemberRole } from './entities/membership.entity';
import type { Organization } from './entities/organization.entity';
import type { User } from './entities/user.entity';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { UsersService } from './users.service';

/** Who may see an organisation: its members and its API keys, as `organization(id)` answers them. */
export const ORGANIZATION_READERS: RoleRequirement = { role: MemberRole.MEMBER, apiKey: true };
/** Who may see an organisation's people: its admins and its API keys, as its registrations and send lists show them. */
export const PEOPLE_READERS: RoleRequirement = { role: MemberRole.ORG_ADMIN, apiKey: true };
/** Who may see an organisation's API keys: its admins, as `apiKeys` lists them. */
const API_KEY_READERS: RoleRequirement = { role: MemberRole.ORG_ADMIN };

/**
 * The organisations, people and API keys that other objects name, as fields of those objects:
 * loaded per request in batches (no query per item of a page), and shown only to a caller who may
 * see them; null otherwise, as when there is none.
 */
@Injectable()
export class IdentityFields {
  constructor(
    private readonly access: AccessPolicy,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async organization(loaders: Loaders, actor: Actor, organizationId: string | null): Promise<Organization | null> {
    if (!organizationId || !(await this.access.allowsWithin(loaders, actor, organizationId, ORGANIZATION_READERS))) return null;
    return loaders.byId('organization', (ids) => this.organizations.findByIds(ids)).load(organizationId);
  }

  /**
   * A person an object of `organizationId` names (who made it, who accepted it): shown to themselves,
   * to platform admins, and to the admins and API keys of that organisation while the person belongs
   * to it. Someone of another organisation (a platform admin who stepped in, a member who left) stays
   * an id: an organisation sees only its own people.
   */
  async person(loaders: Loaders, actor: Actor, organizationId: string | null, userId: string | null): Promise<User | null> {
    if (!userId) return null;
    const shown =
      (actor.kind === 'user' && actor.userId === userId) ||
      actsForPlatform(actor) ||
      (organizationId !== null &&
        (await this.access.allowsWithin(loaders, actor, organizationId, PEOPLE_READERS)) &&
        (await this.isMember(loaders, organizationId, userId)));
    return shown ? loaders.byId('user', (ids) => this.users.findByIds(ids)).load(userId) : null;
  }

  /** An API key an object names (the one that recorded an order): its organisation's admins see it; a platform key, platform admins. */
  async apiKey(loaders: Loaders, actor: Actor, apiKeyId: string | null): Promise<ApiKey | null> {
    const apiKey = apiKeyId ? await loaders.byId('apiKey', (ids) => this.apiKeys.findByIds(ids)).load(apiKeyId) : null;
    if (!apiKey) return null;
    const shown = apiKey.organizationId
      ? await this.access.allowsWithin(loaders, actor, apiKey.organizationId, API_KEY_READERS)
      : actsForPlatform(actor);
    return shown ? apiKey : null;
  }

  private async isMember(loaders: Loaders, organizationId: string, userId: string): Promise<boolean> {
    const member = await loaders
      .get<true>('membership-pairs', async (pairs) => {
        const found = await this.memberships.existingPairs(pairs.map(splitPair));
        return pairs.map((pair) => (found.has(pair) ? true : null));
      })
      .load(`${organizationId}/${userId}`);
    return member === true;
  }
}

function splitPair(pair: string): { organizationId: string; userId: string } {
  const [organizationId, userId] = pair.split('/');
  return { organizationId, userId };
}
