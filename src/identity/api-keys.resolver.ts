import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs, UUIDScalar } from '@tessera/common';
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
}
