import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { clientAddress, Loaders, PageArgs, UUIDScalar } from '@tessera/common';
import type { Actor } from './auth/actor';
import { CurrentActor, Public, type RequestWithActor } from './auth/auth.decorators';
import {
  AcceptMembershipInvitationInput,
  AcceptMembershipInvitationPayload,
  AddMemberInput,
  AddMemberPayload,
  ChangeMemberRoleInput,
  ChangeMemberRolePayload,
  ConnectUserInput,
  ConnectUserPayload,
  MemberFilter,
  MembershipConnection,
  MembershipInvitationInfo,
  RemoveMemberInput,
  RemoveMemberPayload,
} from './dto/membership.dto';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { User } from './entities/user.entity';
import { MembershipOffersService } from './membership-offers.service';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { UsersService } from './users.service';

@Resolver(() => Membership)
export class MembershipsResolver {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly offers: MembershipOffersService,
  ) {}

  @Query(() => MembershipConnection, { description: "An organisation's members (its admins)." })
  members(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: MemberFilter,
  ): Promise<MembershipConnection> {
    return this.memberships.list(actor, organizationId, page, filter);
  }

  @Query(() => Membership, {
    description: "One membership: your own, or one of an organisation you administer. Anyone else's is NOT_FOUND, as a missing one.",
  })
  membership(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The membership.' }) id: string,
  ): Promise<Membership> {
    return this.memberships.get(actor, id);
  }

  @Mutation(() => AddMemberPayload, {
    description:
      'Adds a person by e-mail (organisation admins): a new address is made an account and a member; an existing account is mailed an ' +
      'invitation to join instead (the answer is the same).',
  })
  async addMember(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The person and their role.' }) input: AddMemberInput,
  ): Promise<AddMemberPayload> {
    const { organizationId, role, ...person } = input;
    return { membership: await this.memberships.addMember(actor, organizationId, person, role) };
  }

  @Mutation(() => ConnectUserPayload, {
    description: 'Invites an existing account to join an organisation (organisation admins); platform admins connect it directly.',
  })
  async connectUser(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The user and their role.' }) input: ConnectUserInput,
  ): Promise<ConnectUserPayload> {
    return { membership: await this.memberships.connectUser(actor, input.organizationId, input.userId, input.role) };
  }

  @Public()
  @Query(() => MembershipInvitationInfo, {
    description: 'What a link of an invitation to join is for, and whether it can still be accepted (public, rate-limited per client).',
  })
  async membershipInvitation(
    @Args('token', { description: 'The `token` parameter of the link.' }) token: string,
    @Context('req') req: RequestWithActor,
  ): Promise<MembershipInvitationInfo> {
    const info = await this.offers.lookUp(token, clientAddress(req));
    return { ...info, canAccept: !info.closed, closedReason: info.closed };
  }

  @Mutation(() => AcceptMembershipInvitationPayload, {
    description: 'Accepts an invitation to join an organisation, signed in as the invited account (it also confirms the address).',
  })
  async acceptMembershipInvitation(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The token of the mailed link.' }) input: AcceptMembershipInvitationInput,
  ): Promise<AcceptMembershipInvitationPayload> {
    return { membership: await this.memberships.acceptOffer(actor, input.token) };
  }

  @Mutation(() => ChangeMemberRolePayload, { description: "Changes a member's role; the last admin cannot be demoted." })
  async changeMemberRole(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The membership and its new role.' }) input: ChangeMemberRoleInput,
  ): Promise<ChangeMemberRolePayload> {
    return { membership: await this.memberships.changeRole(actor, input.membershipId, input.role) };
  }

  @Mutation(() => RemoveMemberPayload, { description: 'Disconnects a member; the last admin cannot be removed.' })
  async removeMember(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The membership to remove.' }) input: RemoveMemberInput,
  ): Promise<RemoveMemberPayload> {
    return { membership: await this.memberships.remove(actor, input.membershipId) };
  }

  @ResolveField(() => User, { description: 'The member.' })
  async user(@Parent() membership: Membership, @Context('loaders') loaders: Loaders): Promise<User> {
    return (await loaders.byId('user', (ids) => this.users.findByIds(ids)).load(membership.userId))!;
  }

  @ResolveField(() => Organization, { description: 'The organisation.' })
  async organization(@Parent() membership: Membership, @Context('loaders') loaders: Loaders): Promise<Organization> {
    return (await loaders.byId('organization', (ids) => this.organizations.findByIds(ids)).load(membership.organizationId))!;
  }
}
