import { applyDecorators } from '@nestjs/common';
import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, invisibleCharacter, UUIDScalar } from '@tessera/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { WebhookDelivery } from '../entities/webhook-delivery.entity';
import { WebhookEndpoint } from '../entities/webhook-endpoint.entity';

export const WEBHOOK_URL_MAX_LENGTH = 2000;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 500;
/** More than the catalog has; an endpoint that wants every type leaves the list empty. */
const EVENT_TYPES_MAX = 100;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** One line of text a reader sees as it is: no control, invisible or text-direction characters. */
function IsPlainText(): PropertyDecorator {
  return ValidateBy({
    name: 'isPlainText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || invisibleCharacter(value) === undefined,
      defaultMessage: (args) =>
        `must not contain line breaks, invisible or text-direction characters (it holds ${invisibleCharacter(String(args?.value)) ?? 'one'})`,
    },
  });
}

/** The address is checked further (scheme, credentials, where it points) by checkWebhookUrl. */
const UrlField = () =>
  applyDecorators(
    Transform(trimmed),
    IsString(),
    MaxLength(WEBHOOK_URL_MAX_LENGTH, { message: `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters long` }),
  );

const DescriptionField = () =>
  applyDecorators(
    Transform(trimmed),
    IsString(),
    MaxLength(WEBHOOK_DESCRIPTION_MAX_LENGTH, { message: `must be at most ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters long` }),
    IsPlainText(),
  );

/** Each name is checked against the catalog by the service (to name the unknown ones). */
const EventTypesField = () => applyDecorators(IsArray(), ArrayMaxSize(EVENT_TYPES_MAX), IsString({ each: true }));

@ObjectType({ description: 'A page of webhook endpoints.' })
export class WebhookEndpointConnection extends Connection(WebhookEndpoint) {}

@ObjectType({ description: 'A page of webhook deliveries.' })
export class WebhookDeliveryConnection extends Connection(WebhookDelivery) {}

@InputType({ description: 'A new webhook endpoint.' })
export class CreateWebhookEndpointInput {
  @Field(() => UUIDScalar, {
    nullable: true,
    description:
      "The organisation whose events it receives (its admins or API keys); omitted: a platform endpoint, receiving every organisation's events (platform admins only).",
  })
  @IsOptional()
  organizationId?: string | null;

  @Field({
    description:
      'Where deliveries are posted: an https:// URL of a public host (http:// too outside production), without user name or password.',
  })
  @UrlField()
  url: string;

  @Field(() => [String], { defaultValue: [], description: 'The public event types to receive (see docs/webhooks.md); empty: all of them.' })
  @EventTypesField()
  eventTypes: string[] = [];

  @Field({ defaultValue: '', description: 'What the endpoint is for, e.g. "Storefront order sync" (at most 500 characters).' })
  @DescriptionField()
  description: string = '';
}

@ObjectType({ description: 'The new endpoint and its signing secret.' })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint.' })
  webhookEndpoint: WebhookEndpoint;

  @Field({ description: 'The signing secret (`whsec_…`, Standard Webhooks) to verify deliveries with. Shown only this once.' })
  secret: string;
}

@InputType({ description: 'Changes to a webhook endpoint; fields left out stay as they are.' })
export class UpdateWebhookEndpointInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;

  @Field({ nullable: true, description: 'New address (checked as when created).' })
  @IsOptional()
  @UrlField()
  url?: string;

  @Field(() => [String], {
    nullable: true,
    description: 'The public event types to receive, replacing the whole list; empty: all of them.',
  })
  @IsOptional()
  @EventTypesField()
  eventTypes?: string[];

  @Field({ nullable: true, description: 'New description (empty to clear it).' })
  @IsOptional()
  @DescriptionField()
  description?: string;
}

@ObjectType({ description: 'The changed endpoint.' })
export class UpdateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint as it is now.' })
  webhookEndpoint: WebhookEndpoint;
}

@InputType({ description: 'An endpoint to stop delivering to.' })
export class DisableWebhookEndpointInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;
}

@ObjectType({ description: 'The disabled endpoint.' })
export class DisableWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint, now disabled.' })
  webhookEndpoint: WebhookEndpoint;
}

@InputType({ description: 'An endpoint to deliver to again.' })
export class EnableWebhookEndpointInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;
}

@ObjectType({ description: 'The enabled endpoint.' })
export class EnableWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint, now enabled, its failure record cleared.' })
  webhookEndpoint: WebhookEndpoint;
}

@InputType({ description: 'An endpoint to delete, with its delivery log.' })
export class DeleteWebhookEndpointInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;
}

@ObjectType({ description: 'What was deleted.' })
export class DeleteWebhookEndpointPayload {
  @Field(() => UUIDScalar, { description: 'Id of the deleted endpoint.' })
  deletedWebhookEndpointId: string;
}

@InputType({ description: 'An endpoint whose signing secret to replace.' })
export class RotateWebhookSecretInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;
}

@ObjectType({ description: 'The endpoint and its new signing secret.' })
export class RotateWebhookSecretPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint; previousSecretExpiresAt says until when the old secret also signs.' })
  webhookEndpoint: WebhookEndpoint;

  @Field({ description: 'The new signing secret (`whsec_…`). Shown only this once.' })
  secret: string;
}
