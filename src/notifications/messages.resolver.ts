import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, UUIDScalar } from '@tessera/common';
import { AccessFields } from '../access/access-fields';
import { AccessGrant } from '../access/entities/access-grant.entity';
import { AccessPolicy } from '../identity/access-policy.service';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { IdentityFields } from '../identity/identity-fields';
import { Code } from '../inventory/entities/code.entity';
import { InventoryFields } from '../inventory/inventory-fields';
import { Invitation } from '../invitations/entities/invitation.entity';
import { INVITATION_READERS, InvitationsService } from '../invitations/invitations.service';
import { MessageConnection, MessageFilter, ResendMessageInput, ResendMessagePayload } from './dto/message.dto';
import { Message } from './entities/message.entity';
import { NotificationsService } from './notifications.service';

@Resolver(() => Message)
export class MessagesResolver {
  constructor(
    private readonly service: NotificationsService,
    private readonly identity: IdentityFields,
    private readonly inventory: InventoryFields,
    private readonly grants: AccessFields,
    private readonly invitations: InvitationsService,
    private readonly access: AccessPolicy,
  ) {}

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

  @Query(() => Message, {
    description:
      "One e-mail of the delivery log (its organisation's admins; a mail of no organisation: platform admins). Anyone else's is NOT_FOUND, as a missing one.",
  })
  message(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'The message.' }) id: string): Promise<Message> {
    return this.service.get(actor, id);
  }

  @Mutation(() => ResendMessagePayload, { description: 'Sends a logged message again (for "I never got the e-mail").' })
  async resendMessage(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The message.' }) input: ResendMessageInput,
  ): Promise<ResendMessagePayload> {
    return { message: await this.service.resend(actor, input.messageId) };
  }

  @ResolveField(() => Organization, { nullable: true, description: 'The organisation it was sent for (none: a mail of the platform).' })
  organization(
    @Parent() message: Message,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, message.organizationId);
  }

  @ResolveField(() => Code, { nullable: true, description: 'The code it concerns.' })
  code(@Parent() message: Message, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Code | null> {
    return this.inventory.code(loaders, actor, message.codeId);
  }

  @ResolveField(() => Invitation, { nullable: true, description: 'The invitation it concerns.' })
  async invitation(
    @Parent() message: Message,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Invitation | null> {
    const invitation = message.invitationId
      ? await loaders.byId('invitation', (ids) => this.invitations.findByIds(ids)).load(message.invitationId)
      : null;
    const shown = invitation && (await this.access.allowsWithin(loaders, actor, invitation.organizationId, INVITATION_READERS));
    return shown ? invitation : null;
  }

  @ResolveField(() => AccessGrant, { nullable: true, description: 'The access grant it concerns.' })
  grant(@Parent() message: Message, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<AccessGrant | null> {
    return this.grants.grant(loaders, actor, message.grantId);
  }
}
