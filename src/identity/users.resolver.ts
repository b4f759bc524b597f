import { Args, Query, Resolver } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import type { Actor } from './auth/actor';
import { CurrentActor } from './auth/auth.decorators';
import { User } from './entities/user.entity';
import { MembershipsService } from './memberships.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly memberships: MembershipsService) {}

  @Query(() => User, {
    description:
      'One person: yourself, or a member of an organisation whose admin or API key you are (platform admins: anyone). Anyone else is NOT_FOUND, as a missing account.',
  })
  user(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'The person.' }) id: string): Promise<User> {
    return this.memberships.person(actor, id);
  }
}
