import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, shownBeside } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { Code } from '../inventory/entities/code.entity';
import { InventoryFields } from '../inventory/inventory-fields';
import { Invitation } from './entities/invitation.entity';

/** The objects an invitation names, beside their ids: its seat, its organisation, who invited and who accepted. */
@Resolver(() => Invitation)
export class InvitationFieldsResolver {
  constructor(
    private readonly inventory: InventoryFields,
    private readonly identity: IdentityFields,
  ) {}

  @ResolveField(() => Code, { description: 'The seat (code) it holds, with its price and product.' })
  async code(@Parent() invitation: Invitation, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Code> {
    return shownBeside(await this.inventory.code(loaders, actor, invitation.codeId), 'code');
  }

  @ResolveField(() => Organization, { description: 'The inviting organisation.' })
  async organization(
    @Parent() invitation: Invitation,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, invitation.organizationId), 'organisation');
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'The admin who invited (null for a system or an operator, or someone outside the organisation, e.g. a platform admin).',
  })
  invitedBy(@Parent() invitation: Invitation, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, invitation.organizationId, invitation.invitedByUserId);
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'The person who accepted (null until someone does, or once they left the organisation).',
  })
  acceptedBy(@Parent() invitation: Invitation, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, invitation.organizationId, invitation.acceptedByUserId);
  }
}
