import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Code } from '../inventory/entities/code.entity';
import { AccessFields } from './access-fields';
import { AccessGrant } from './entities/access-grant.entity';

/** The grant a code gave, on the inventory's Code type: access owns grants, and inventory does not depend on access. */
@Resolver(() => Code)
export class CodeGrantResolver {
  constructor(private readonly access: AccessFields) {}

  @ResolveField(() => AccessGrant, {
    nullable: true,
    description:
      'The access this code gave and still stands for: in force, or expired while the code stays redeemed (null when the code is not redeemed; a revoked access frees its code).',
  })
  accessGrant(@Parent() code: Code, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<AccessGrant | null> {
    return this.access.currentGrantOfCode(loaders, actor, code.id);
  }
}
