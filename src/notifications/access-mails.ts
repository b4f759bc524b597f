import { Transactional } from '@nestjs-cls/transactional';
import { Inject, Injectable } from '@nestjs/common';
import { OnEventAfterCommit } from '@tessera/events';
import { AccessGrantsService } from '../access/access-grants.service';
import type { AccessGrant } from '../access/entities/access-grant.entity';
import {
  AccessExpired,
  AccessExtended,
  AccessRevoked,
  CodeRedeemed,
  RegistrationConfirmationRequested,
} from '../access/events/access.events';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { OrganizationsService } from '../identity/organizations.service';
import { PasswordTokensService } from '../identity/password-tokens.service';
import { UsersService } from '../identity/users.service';
import { mailDate, recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

/**
 * Mails about a person's access, after the events of access commit: confirmation (or, for someone
 * without a password yet, the account mail with a set-password link), revoked, extended, expired.
 * Each is queued under its event's id, so a handler that runs again queues nothing more.
 */
@Injectable()
export class AccessMails {
  constructor(
    private readonly grants: AccessGrantsService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly contracts: ContractsService,
    private readonly passwordTokens: PasswordTokensService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnEventAfterCommit(CodeRedeemed, RegistrationConfirmationRequested)
  async onAccessGiven(event: CodeRedeemed | RegistrationConfirmationRequested): Promise<void> {
    const [grant] = await this.grants.findByIds([event.payload.grantId]);
    if (grant) await this.welcome(event.id, grant);
  }

  @OnEventAfterCommit(AccessRevoked)
  async onAccessRevoked(event: AccessRevoked): Promise<void> {
    const [grant] = await this.grants.findByIds([event.payload.grantId]);
    if (grant) await this.mailAboutGrant(event.id, grant, MessageKind.ACCESS_REVOKED, { reason: event.payload.reason });
  }

  @OnEventAfterCommit(AccessExtended)
  async onAccessExtended(event: AccessExtended): Promise<void> {
    const [grant] = await this.grants.findByIds([event.payload.grantId]);
    const accessEndsAt = mailDate(new Date(event.payload.newEndsAt));
    if (grant) await this.mailAboutGrant(event.id, grant, MessageKind.ACCESS_EXTENDED, { accessEndsAt });
  }

  /** When ACCESS_EXPIRY_MAIL is on, each person whose access ended is told. */
  @OnEventAfterCommit(AccessExpired)
  async onAccessExpired(event: AccessExpired): Promise<void> {
    if (!this.config.accessExpiryMail) return;
    for (const grant of await this.grants.findByIds(event.payload.grantIds)) {
      await this.mailAboutGrant(event.id, grant, MessageKind.ACCESS_EXPIRED, { accessEndsAt: grant.endsAt ? mailDate(grant.endsAt) : '' });
    }
  }

  /**
   * The confirmation; someone who never set a password (an account an admin made with the seat)
   * needs a working link instead, not a reminder to sign in. The link is made with its mail, in one
   * transaction, and only if this event has not queued the mail already.
   */
  @Transactional()
  private async welcome(eventId: string, grant: AccessGrant): Promise<void> {
    const user = await this.users.findById(grant.userId);
    if (!user) return;
    if (user.passwordHash) {
      await this.mailAboutGrant(eventId, grant, MessageKind.REGISTRATION_CONFIRMED, {
        accessEndsAt: grant.endsAt ? mailDate(grant.endsAt) : null,
        signInUrl: `${this.config.links.appUrl}/sign-in`,
      });
      return;
    }
    if (await this.notifications.isQueued(eventId, user.email)) return;
    const link = await this.passwordTokens.issue(user.id);
    await this.mailAboutGrant(
      eventId,
      grant,
      MessageKind.ACCOUNT_CREATED,
      { expiresAt: mailDate(link.expiresAt) },
      { setPasswordUrl: link.url },
    );
  }

  /** A mail about a grant to its person: the person, the organisation and the product as every grant mail names them, plus `extra`. */
  private async mailAboutGrant(
    eventId: string,
    grant: AccessGrant,
    kind: MessageKind,
    extra: Record<string, unknown>,
    secrets?: Record<string, string>,
  ): Promise<void> {
    // One after another: inside welcome's transaction these share its single connection.
    const user = await this.users.findById(grant.userId);
    if (!user) return; // the account is gone: nobody to tell
    const [organization] = await this.organizations.findByIds([grant.organizationId]);
    const [product] = grant.productId ? await this.contracts.findProductsByIds([grant.productId]) : [];
    await this.notifications.queue({
      kind,
      recipient: user.email,
      organizationId: grant.organizationId,
      codeId: grant.codeId,
      grantId: grant.id,
      eventId,
      data: {
        recipient: recipientData(user),
        organization: { name: organization?.name ?? '' },
        product: { name: product?.name ?? '' },
        ...extra,
      },
      secrets,
    });
  }
}
