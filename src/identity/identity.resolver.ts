import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ForbiddenError, Loaders, NotFoundError, PageArgs, UUIDScalar } from '@tessera/common';
import { ApiKeysService } from './api-keys.service';
import type { Actor } from './auth/actor';
import { CurrentActor, PlatformAdminOnly, Public, type RequestWithActor } from './auth/auth.decorators';
import { AuthService } from './auth.service';
import { ApiKeyConnection, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload } from './dto/api-key.dto';
import { LoginInput, LoginPayload, Viewer } from './dto/auth.dto';
import {
  AddMemberInput,
  AddMemberPayload,
  ChangeMemberRoleInput,
  ChangeMemberRolePayload,
  ConnectUserInput,
  ConnectUserPayload,
  MemberFilter,
  MembershipConnection,
  RemoveMemberInput,
  RemoveMemberPayload,
} from './dto/membership.dto';
import { CreateOrganizationInput, CreateOrganizationPayload, OrganizationConnection, OrganizationFilter } from './dto/organization.dto';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { User } from './entities/user.entity';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { UsersService } from './users.service';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
  ) {}

  @Public()
  @Mutation(() => LoginPayload, { description: 'Signs in with e-mail and password. Rate-limited per account and per client.' })
  login(
    @Args('input', { description: 'E-mail and password.' }) input: LoginInput,
    @Context('req') req: RequestWithActor,
  ): Promise<LoginPayload> {
    return this.auth.login(input.email, input.password, req.ip ?? 'unknown');
  }

  @Query(() => Viewer, { description: 'The signed-in user and their organisations.' })
  async me(@CurrentActor() actor: Actor): Promise<Viewer> {
    if (actor.kind !== 'user') throw new ForbiddenError('`me` is for people; an API key has no user.');
    const user = await this.users.findById(actor.userId);
    if (!user) throw new NotFoundError('User', actor.userId);
    return { user, memberships: await this.memberships.listOfUser(user.id) };
  }
}

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

@Resolver(() => Membership)
export class MembershipsResolver {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
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

  @Mutation(() => AddMemberPayload, { description: 'Connects a person by e-mail, creating their account if needed (organisation admins).' })
  async addMember(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The person and their role.' }) input: AddMemberInput,
  ): Promise<AddMemberPayload> {
    const { organizationId, role, ...person } = input;
    return { membership: await this.memberships.addMember(actor, organizationId, person, role) };
  }

  @Mutation(() => ConnectUserPayload, { description: 'Connects an existing account to an organisation (organisation admins).' })
  async connectUser(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The user and their role.' }) input: ConnectUserInput,
  ): Promise<ConnectUserPayload> {
    return { membership: await this.memberships.connectUser(actor, input.organizationId, input.userId, input.role) };
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

@Resolver()
export class ApiKeysResolver {
  constructor(private readonly service: ApiKeysService) {}

  @Query(() => ApiKeyConnection, { description: "An organisation's API keys, without their secrets (its admins)." })
  apiKeys(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
  ): Promise<ApiKeyConnection> {
    return this.service.list(actor, organizationId, page);
  }

  @Mutation(() => CreateApiKeyPayload, {
    description: 'Creates an API key; its secret is shown only in this answer (organisation admins).',
  })
  createApiKey(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The organisation and a name for the key.' }) input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    return this.service.create(actor, input.organizationId, input.name);
  }

  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes an API key at once (organisation admins).' })
  async revokeApiKey(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The key to revoke.' }) input: RevokeApiKeyInput,
  ): Promise<RevokeApiKeyPayload> {
    return { apiKey: await this.service.revoke(actor, input.apiKeyId) };
  }
}
