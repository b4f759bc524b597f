import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, UUIDScalar } from '@tessera/common';
import { ApiKeysService } from './api-keys.service';
import type { Actor } from './auth/actor';
import { CurrentActor, PlatformAdminOnly } from './auth/auth.decorators';
import {
  ApiKeyConnection,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  CreatePlatformApiKeyInput,
  CreatePlatformApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
} from './dto/api-key.dto';
import { ApiKey } from './entities/api-key.entity';
import { Organization } from './entities/organization.entity';
import { User } from './entities/user.entity';
import { IdentityFields } from './identity-fields';

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly service: ApiKeysService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => ApiKey, {
    description:
      "One API key, without its secret (an organisation's key: its admins; a platform key: platform admins). Anyone else's is NOT_FOUND, as a missing one.",
  })
  apiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'The key.' }) id: string): Promise<ApiKey> {
    return this.service.get(actor, id);
  }

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

  @PlatformAdminOnly()
  @Query(() => ApiKeyConnection, { description: 'The platform API keys, without their secrets (platform admins).' })
  platformApiKeys(@CurrentActor() actor: Actor, @Args() page: PageArgs): Promise<ApiKeyConnection> {
    return this.service.listPlatform(actor, page);
  }

  @PlatformAdminOnly()
  @Mutation(() => CreatePlatformApiKeyPayload, {
    description:
      'Creates a platform API key with scopes, for a system serving many organisations; its secret is shown only in this answer (platform admins).',
  })
  createPlatformApiKey(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'A name for the key and its scopes.' }) input: CreatePlatformApiKeyInput,
  ): Promise<CreatePlatformApiKeyPayload> {
    return this.service.createPlatform(actor, input.name, input.scopes);
  }

  @Mutation(() => RevokeApiKeyPayload, {
    description: "Revokes an API key at once (an organisation's key: its admins; a platform key: platform admins).",
  })
  async revokeApiKey(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The key to revoke.' }) input: RevokeApiKeyInput,
  ): Promise<RevokeApiKeyPayload> {
    return { apiKey: await this.service.revoke(actor, input.apiKeyId) };
  }

  @ResolveField(() => Organization, { nullable: true, description: 'The organisation the key acts for (none for a platform key).' })
  organization(@Parent() apiKey: ApiKey, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, apiKey.organizationId);
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'Who created the key (null when none is recorded, or it was someone outside the organisation, e.g. a platform admin).',
  })
  createdBy(@Parent() apiKey: ApiKey, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, apiKey.organizationId, apiKey.createdById);
  }
}
