import { Transactional } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { EventBus } from '@tessera/events';
import { AccessPolicy } from './access-policy.service';
import { actorUserId, type Actor } from './auth/actor';
import { ApiKeyScope } from './auth/api-key-scope';
import { MemberRole } from './entities/membership.entity';
import type { Organization } from './entities/organization.entity';
import { AccountSetupRequested } from './events/identity.events';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { UsersService } from './users.service';

export interface NewCustomer {
  externalReference: string;
  name: string;
  admin: { email: string; firstName: string; lastName: string };
}

/**
 * Onboarding by an outside system (a storefront meeting a new customer): the organisation of its
 * reference and its first admin, in one transaction. Idempotent on the reference: a repeat finds
 * the organisation and changes nothing (no second admin, no second mail).
 */
@Injectable()
export class ProvisioningService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly events: EventBus,
  ) {}

  @Transactional()
  async provision(actor: Actor, input: NewCustomer): Promise<{ organization: Organization; created: boolean }> {
    this.access.requirePlatform(actor, ApiKeyScope.ORGANIZATIONS_WRITE);
    const result = await this.organizations.createForReference(actor, input);
    if (!result.created) return result;
    const organizationId = result.organization.id;
    const isNew = !(await this.users.findByEmail(input.admin.email));
    // addMember's path, with its consent rules: a platform key is no platform admin, so an
    // existing account is only offered the membership (the platform's join mail).
    await this.memberships.enrol(actor, organizationId, input.admin, MemberRole.ORG_ADMIN);
    if (isNew) {
      // addMember mails a new account nothing (its admin tells the person); here nobody else would.
      const user = (await this.users.findByEmail(input.admin.email))!;
      await this.events.publish(new AccountSetupRequested({ userId: user.id }, { organizationId, actorId: actorUserId(actor) }));
    }
    return result;
  }
}
