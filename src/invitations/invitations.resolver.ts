import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs, UUIDScalar, clientAddress } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor, Public, type RequestWithActor } from '../identity/auth/auth.decorators';
import {
  AcceptInvitationInput,
  AcceptInvitationPayload,
  CopyInvitationLinkPayload,
  InvitationConnection,
  InvitationFilter,
  InvitationIdInput,
  InvitationInfo,
  InvitationPayload,
  InviteByEmailInput,
  InviteByEmailPayload,
} from './dto/invitation.dto';
import { Invitation } from './entities/invitation.entity';
import { InvitationAcceptance } from './invitation-acceptance.service';
import { InvitationsService } from './invitations.service';

@Resolver()
export class InvitationsResolver {
  constructor(
    private readonly service: InvitationsService,
    private readonly acceptance: InvitationAcceptance,
  ) {}

  @Mutation(() => InviteByEmailPayload, {
    description:
      'Invites people by e-mail (organisation admins). Each invitation holds its seat until someone accepts; with priceId each address gets ' +
      'its own seat (too few free: nobody is invited, CONFLICT with the count), with codeId all share one seat and the first to accept wins.',
  })
  inviteByEmail(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'Whose seats, which, whom, and the extra text.' }) input: InviteByEmailInput,
  ): Promise<InviteByEmailPayload> {
    return this.service.invite(actor, input);
  }

  @Query(() => InvitationConnection, {
    description: "The organisation's invitations (its admins), pending ones with filter { status: [PENDING] }.",
  })
  invitations(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: InvitationFilter,
  ): Promise<InvitationConnection> {
    return this.service.list(actor, organizationId, page, filter);
  }

  @Query(() => Invitation, {
    description:
      "One invitation, with its seat and who sent and accepted it (its organisation's admins). Anyone else's is NOT_FOUND, as a missing one. " +
      '(`invitation(token)` is the public look-up of a link.)',
  })
  invitationById(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The invitation.' }) id: string,
  ): Promise<Invitation> {
    return this.service.get(actor, id);
  }

  @Public()
  @Query(() => InvitationInfo, {
    description: 'What an invitation link is for and whether it can be accepted (public, rate-limited per client).',
  })
  invitation(
    @Args('token', { description: 'The `token` parameter of the link.' }) token: string,
    @Context('req') req: RequestWithActor,
  ): Promise<InvitationInfo> {
    return this.acceptance.lookUp(token, clientAddress(req));
  }

  @Public()
  @Mutation(() => AcceptInvitationPayload, {
    description:
      'Accepts an invitation: makes the account (or signs in to the existing one) and takes the seat. The first acceptance of a seat wins; a ' +
      'late, expired or withdrawn one is CONFLICT with extensions.reason. Rate-limited per client.',
  })
  acceptInvitation(
    @Args('input', { description: 'The token and the account details.' }) input: AcceptInvitationInput,
    @Context('req') req: RequestWithActor,
  ): Promise<AcceptInvitationPayload> {
    return this.acceptance.accept(input, clientAddress(req));
  }

  @Mutation(() => CopyInvitationLinkPayload, {
    description: 'A fresh accept link to pass on by hand; the old link stops working (admins).',
  })
  copyInvitationLink(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The pending invitation.' }) input: InvitationIdInput,
  ): Promise<CopyInvitationLinkPayload> {
    return this.service.copyLink(actor, input.invitationId);
  }

  @Mutation(() => InvitationPayload, { description: 'Mails a pending invitation again, with a fresh link (admins).' })
  async resendInvitation(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The pending invitation.' }) input: InvitationIdInput,
  ): Promise<InvitationPayload> {
    return { invitation: await this.service.resend(actor, input.invitationId) };
  }

  @Mutation(() => InvitationPayload, {
    description: 'Withdraws a pending invitation (admins); its seat is free again unless another invitation holds it.',
  })
  async revokeInvitation(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The pending invitation.' }) input: InvitationIdInput,
  ): Promise<InvitationPayload> {
    return { invitation: await this.service.revoke(actor, input.invitationId) };
  }
}
