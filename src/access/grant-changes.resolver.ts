import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { AccessFields } from './access-fields';
import { AccessGrantsService } from './access-grants.service';
import { AccessGrant } from './entities/access-grant.entity';
import { GrantChange } from './entities/grant-change.entity';

@Resolver(() => GrantChange)
export class GrantChangesResolver {
  constructor(
    private readonly grants: AccessGrantsService,
    private readonly access: AccessFields,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => GrantChange, {
    description:
      "One change of an access grant's history, for whoever may see the grant. Anyone else gets NOT_FOUND, as for a missing one.",
  })
  grantChange(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The change.' }) id: string,
  ): Promise<GrantChange> {
    return this.grants.getChange(actor, id);
  }

  @ResolveField(() => AccessGrant, { description: 'The grant that changed.' })
  async grant(@Parent() change: GrantChange, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<AccessGrant> {
    return shownBeside(await this.access.grant(loaders, actor, change.grantId), 'access grant');
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'The admin who made the change (null for the system or an API key, or someone you may not see, e.g. a platform admin).',
  })
  async actor(@Parent() change: GrantChange, @CurrentActor() caller: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    if (!change.actorUserId) return null;
    const grant = await loaders.byId('accessGrant', (ids) => this.grants.findByIds(ids)).load(change.grantId);
    return this.identity.person(loaders, caller, grant?.organizationId ?? null, change.actorUserId);
  }
}
