import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import {
  MessageTemplatePayload,
  MessageTemplateView,
  PreviewMessageInput,
  RenderedMessageView,
  ResetMessageTemplateInput,
  UpdateMessageTemplateInput,
} from './dto/message-template.dto';
import { MessageTemplatesService } from './message-templates.service';

@Resolver()
export class MessageTemplatesResolver {
  constructor(private readonly service: MessageTemplatesService) {}

  @Query(() => [MessageTemplateView], { description: "The organisation's e-mail texts, one per kind of message (its admins)." })
  messageTemplates(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
  ): Promise<MessageTemplateView[]> {
    return this.service.list(actor, organizationId);
  }

  @Mutation(() => MessageTemplatePayload, {
    description:
      'Replaces the text of one kind of message for the organisation; refused, with the reason, if it does not compile or uses an unknown variable.',
  })
  async updateMessageTemplate(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The organisation, the kind and the new text.' }) input: UpdateMessageTemplateInput,
  ): Promise<MessageTemplatePayload> {
    return { template: await this.service.update(actor, input) };
  }

  @Mutation(() => MessageTemplatePayload, { description: "Returns one kind of message to Tessera's default text." })
  async resetMessageTemplate(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The organisation and the kind.' }) input: ResetMessageTemplateInput,
  ): Promise<MessageTemplatePayload> {
    return { template: await this.service.reset(actor, input.organizationId, input.kind) };
  }

  @Query(() => RenderedMessageView, { description: 'Renders a message with sample data: the saved text, or a draft before saving it.' })
  previewMessage(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The organisation, the kind, and optionally draft parts.' }) input: PreviewMessageInput,
  ): Promise<RenderedMessageView> {
    return this.service.preview(actor, input);
  }
}
