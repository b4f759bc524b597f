import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs, UUIDScalar } from '@tessera/common';
import type { Actor } from './auth/actor';
import { CurrentActor, PlatformAdminOnly } from './auth/auth.decorators';
import { CreateOrganizationInput, CreateOrganizationPayload, OrganizationConnection, OrganizationFilter } from './dto/organization.dto';
import { Organization } from './entities/organization.entity';
import { OrganizationsService } from './organizations.service';

@Resolver(() => Organization)
export class OrganizationsResolver {
  constructor(private readonly service: OrganizationsService) {}

  @Query(() => OrganizationConnection, { description: 'Organisations you belong to (platform admins: all of them).' })
  organizations(
    @CurrentActor() actor: Actor,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: OrganizationFilter,
  ): Promise<OrganizationConnection> {
    return this.service.list(actor, page, filter?.search);
  }

  @Query(() => Organization, { description: 'One organisation you belong to.' })
  organization(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'Its id.' }) id: string,
  ): Promise<Organization> {
    return this.service.get(actor, id);
  }

  @PlatformAdminOnly()
  @Mutation(() => CreateOrganizationPayload, { description: 'Creates a customer organisation (platform admins).' })
  async createOrganization(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The new organisation.' }) input: CreateOrganizationInput,
  ): Promise<CreateOrganizationPayload> {
    return { organization: await this.service.create(actor, input) };
  }
}
