import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from './auth/actor';
import { ApiKeyScope, RequiresScope } from './auth/api-key-scope';
import { CurrentActor, PlatformAdminOnly } from './auth/auth.decorators';
import { ProvisionOrganizationInput, ProvisionOrganizationPayload } from './dto/provisioning.dto';
import { Organization } from './entities/organization.entity';
import { OrganizationsService } from './organizations.service';
import { ProvisioningService } from './provisioning.service';

/** Onboarding of customer organisations by outside systems (platform API keys) and platform admins. */
@Resolver()
export class ProvisioningResolver {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly organizations: OrganizationsService,
  ) {}

  @PlatformAdminOnly()
  @RequiresScope(ApiKeyScope.ORGANIZATIONS_WRITE)
  @Mutation(() => ProvisionOrganizationPayload, {
    description:
      'Onboards a customer: its organisation, under the outside system’s reference, and its first admin (platform admins; platform keys with ORGANIZATIONS_WRITE). Idempotent on externalReference: a repeat answers the same organisation (created: false) and changes nothing.',
  })
  provisionOrganization(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The customer.' }) input: ProvisionOrganizationInput,
  ): Promise<ProvisionOrganizationPayload> {
    return this.provisioning.provision(actor, input);
  }

  @PlatformAdminOnly()
  @RequiresScope(ApiKeyScope.ORGANIZATIONS_READ)
  @Query(() => Organization, {
    description: 'The organisation onboarded under an outside system’s reference (platform admins; platform keys with ORGANIZATIONS_READ).',
  })
  organizationByExternalReference(
    @CurrentActor() actor: Actor,
    @Args('externalReference', { description: 'The reference given to provisionOrganization.' }) externalReference: string,
  ): Promise<Organization> {
    return this.organizations.getByExternalReference(actor, externalReference);
  }
}
