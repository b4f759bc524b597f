import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { MessageConnection, MessageFilter, ResendMessageInput, ResendMessagePayload } from './dto/message.dto';
import { NotificationsService } from './notifications.service';

@Resolver()
export class MessagesResolver {
  constructor(private readonly service: NotificationsService) {}

  @Query(() => MessageConnection, {
    description: "The organisation's delivery log, newest first: every e-mail, its status and attempts (its admins).",
  })
  messages(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the log.' }) filter?: MessageFilter,
  ): Promise<MessageConnection> {
    return this.service.list(actor, organizationId, page, filter);
  }

  @Mutation(() => ResendMessagePayload, { description: 'Sends a logged message again (for "I never got the e-mail").' })
  async resendMessage(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The message.' }) input: ResendMessageInput,
  ): Promise<ResendMessagePayload> {
    return { message: await this.service.resend(actor, input.messageId) };
  }
}
