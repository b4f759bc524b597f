import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs, UUIDScalar } from '@tessera/common';
import { ApiKeysService } from './api-keys.service';
import type { Actor } from './auth/actor';
import { CurrentActor } from './auth/auth.decorators';
import { ApiKeyConnection, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload } from './dto/api-key.dto';

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
