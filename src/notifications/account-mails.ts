import { Injectable } from '@nestjs/common';
import { OnEventInTransaction } from '@tessera/events';
import { PasswordResetRequested } from '../identity/events/identity.events';
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
}
