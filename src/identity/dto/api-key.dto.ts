import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsName, UUIDScalar } from '@tessera/common';
import { ArrayMaxSize, ArrayNotEmpty, IsEnum } from 'class-validator';
import { ApiKeyScope } from '../auth/api-key-scope';
import { ApiKey } from '../entities/api-key.entity';

@ObjectType({ description: 'A page of API keys.' })
export class ApiKeyConnection extends Connection(ApiKey) {}

@InputType({ description: 'A new API key for an organisation.' })
export class CreateApiKeyInput {
  @Field(() => UUIDScalar, { description: 'The organisation the key acts for.' })
  organizationId: string;

  @Field({ description: 'What the key is for, e.g. "Storefront".' })
  @IsName(100)
  name: string;
}

@InputType({ description: 'A new platform API key, for a system serving many organisations.' })
export class CreatePlatformApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "LMS storefront".' })
  @IsName(100)
  name: string;

  @Field(() => [ApiKeyScope], { description: 'What the key may do; it may call only operations that name one of these.' })
  @ArrayNotEmpty()
  @ArrayMaxSize(Object.keys(ApiKeyScope).length)
  @IsEnum(ApiKeyScope, { each: true })
  scopes: ApiKeyScope[];
}

@ObjectType({ description: 'The new key and its secret.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { description: 'The key.' })
  apiKey: ApiKey;

  @Field({ description: 'The full key: send it as `X-Api-Key` or `Authorization: Bearer`. Shown only this once.' })
  secret: string;
}

@ObjectType({ description: 'The new platform key and its secret.' })
export class CreatePlatformApiKeyPayload extends CreateApiKeyPayload {}

@InputType({ description: 'A key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => UUIDScalar, { description: 'The key.' })
  apiKeyId: string;
}

@ObjectType({ description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { description: 'The key, now revoked.' })
  apiKey: ApiKey;
}
