import { Injectable } from '@nestjs/common';
import { OnEventInTransaction } from '@tessera/events';
import {
  AccountSetupRequested,
  EmailVerificationRequested,
  MembershipOffered,
  PasswordResetRequested,
} from '../identity/events/identity.events';
import { MembershipOffersService } from '../identity/membership-offers.service';
import { OrganizationsService } from '../identity/organizations.service';
import { PasswordTokensService } from '../identity/password-tokens.service';
import { UsersService } from '../identity/users.service';
import { mailDate, recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

/** Mails about a person's account itself, not an organisation's (so the default texts apply). */
@Injectable()
export class AccountMails {
  constructor(
    private readonly users: UsersService,
    private readonly passwordTokens: PasswordTokensService,
    private readonly notifications: NotificationsService,
    private readonly offers: MembershipOffersService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** In the request's transaction: the link is made here and travels only sealed, in the mail. */
  @OnEventInTransaction(PasswordResetRequested)
  async onPasswordResetRequested(event: PasswordResetRequested): Promise<void> {
    const user = await this.users.findById(event.payload.userId);
    if (!user) return;
    const link = await this.passwordTokens.issue(user.id);
    await this.notifications.queue({
      kind: MessageKind.SET_PASSWORD,
      recipient: user.email,
      organizationId: null,
      eventId: event.id,
      data: {
        recipient: recipientData(user),
        organization: { name: 'Tessera' },
        expiresAt: mailDate(link.expiresAt),
      },
      secrets: { setPasswordUrl: link.url },
    });
  }

  /**
   * In the request's transaction, like the reset: a set-password link (the password may be someone
   * else's choice, so the owner proves the address by replacing it), sealed in the mail.
   */
  @OnEventInTransaction(EmailVerificationRequested)
  async onEmailVerificationRequested(event: EmailVerificationRequested): Promise<void> {
    const user = await this.users.findById(event.payload.userId);
    if (!user || user.emailVerifiedAt) return;
    const link = await this.passwordTokens.issue(user.id);
    await this.notifications.queue({
      kind: MessageKind.VERIFY_EMAIL,
      recipient: user.email,
      organizationId: null,
      eventId: event.id,
      data: { recipient: recipientData(user), organization: { name: 'Tessera' }, expiresAt: mailDate(link.expiresAt) },
      secrets: { verifyUrl: link.url },
    });
  }

  /**
   * An organisation's invitation to join, for an existing account: the platform's mail (no
   * organisation, so no organisation's template and no entry in its message log), the link sealed.
   */
  @OnEventInTransaction(MembershipOffered)
  async onMembershipOffered(event: MembershipOffered): Promise<void> {
    if (event.payload.mailed === false) return;
    const [user, [organization]] = await Promise.all([
      this.users.findById(event.payload.userId),
      this.organizations.findByIds([event.organizationId!]),
    ]);
    if (!user || !organization) return;
    const link = await this.offers.issueLink(event.payload.membershipInvitationId);
    await this.notifications.queue({
      kind: MessageKind.JOIN_INVITATION,
      recipient: user.email,
      organizationId: null,
      eventId: event.id,
      data: { recipient: recipientData(user), organization: { name: organization.name }, expiresAt: mailDate(link.expiresAt) },
      secrets: { acceptUrl: link.url },
    });
  }

  /**
   * An onboarded organisation's first admin, new to the platform: the account mail with a
   * one-time set-password link (the platform's, sealed), in the request's transaction.
   */
  @OnEventInTransaction(AccountSetupRequested)
  async onAccountSetupRequested(event: AccountSetupRequested): Promise<void> {
    const [user, [organization]] = await Promise.all([
      this.users.findById(event.payload.userId),
      this.organizations.findByIds([event.organizationId!]),
    ]);
    if (!user || user.passwordHash || !organization) return;
    const link = await this.passwordTokens.issue(user.id);
    await this.notifications.queue({
      kind: MessageKind.ACCOUNT_CREATED,
      recipient: user.email,
      organizationId: organization.id,
      eventId: event.id,
      data: {
        recipient: recipientData(user),
        organization: { name: organization.name },
        product: { name: '' },
        expiresAt: mailDate(link.expiresAt),
      },
      secrets: { setPasswordUrl: link.url },
    });
  }
}
