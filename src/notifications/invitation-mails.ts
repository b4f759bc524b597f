import { Injectable } from '@nestjs/common';
import { EventSecrets, OnEventAfterCommit } from '@tessera/events';
import { MembershipsService } from '../identity/memberships.service';
import { OrganizationsService } from '../identity/organizations.service';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { InvitationCreated, InvitationLinkRenewed } from '../invitations/events/invitation.events';
import { InvitationsService } from '../invitations/invitations.service';
import { mailDate } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

/**
 * The invitation mail, after an invitation is made or its link re-sent: the link comes sealed in
 * the event (the only way a token leaves the server but to the admin who copies it), and is sealed
 * again in the message. Queued under the event's id: a handler that runs again queues nothing more.
 */
@Injectable()
export class InvitationMails {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly codes: CodesService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly notifications: NotificationsService,
    private readonly eventSecrets: EventSecrets,
  ) {}

  @OnEventAfterCommit(InvitationCreated, InvitationLinkRenewed)
  async onInvitationLink(event: InvitationCreated | InvitationLinkRenewed): Promise<void> {
    const sealed = event.payload.mailSecrets;
    if (!sealed) return; // a seat held for an account's invitation to join, or a link copied by hand: no mail
    const [invitation] = await this.invitations.findByIds([event.payload.invitationId]);
    if (!invitation) return;
    const [seat] = await this.codes.findByIds([invitation.codeId]);
    const [[organization], product, [account]] = await Promise.all([
      this.organizations.findByIds([invitation.organizationId]),
      this.invitations.productOf(seat),
      this.users.findByEmails([invitation.email]),
    ]);
    // The names of an account go into an organisation's mail only when the person is its member: its
    // template (and the subject in its message log) must not show who has an account elsewhere, or their names.
    const member = account && (await this.memberships.memberIdsAmong(invitation.organizationId, [account.id])).length > 0;
    const person = member ? account : undefined;
    await this.notifications.queue(
      {
        kind: MessageKind.INVITATION,
        recipient: invitation.email,
        organizationId: invitation.organizationId,
        codeId: invitation.codeId,
        invitationId: invitation.id,
        eventId: event.id,
        data: {
          recipient: { firstName: person?.firstName ?? '', lastName: person?.lastName ?? '', email: invitation.email },
          organization: { name: organization?.name ?? '' },
          product: { name: product?.name ?? '' },
          message: invitation.message,
          expiresAt: mailDate(invitation.expiresAt),
        },
        secrets: this.eventSecrets.open(sealed),
      },
      event.actorId,
    );
  }
}
