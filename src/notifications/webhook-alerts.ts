import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { OnEventAfterCommit } from '@tessera/events';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { WebhookEndpointDisabled } from '../webhooks/events/webhook-endpoint-disabled.event';
import { mailDate, recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

interface Recipient {
  email: string;
  firstName: string;
  lastName: string;
}

/**
 * The address as mail shows it: its origin only. Receivers keep their own tokens in the path
 * (Slack- and Discord-style hooks) as well as in the query; the endpoint's id names it exactly.
 */
function shownUrl(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '(not a valid address)';
}

/** Tells the people who own a webhook endpoint that Tessera disabled it (Tessera's own text, no secret). */
@Injectable()
export class WebhookAlerts {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * After commit, so a disabling rolled back mails no one; the handler runs at least once, and the
   * event's id makes each admin's mail once. An organisation's endpoint: its admins; a platform
   * endpoint: the platform admins. An endpoint deleted meanwhile mails no one.
   */
  @OnEventAfterCommit(WebhookEndpointDisabled)
  async onWebhookEndpointDisabled(event: WebhookEndpointDisabled): Promise<void> {
    const [endpoint] = await this.txHost.tx.query<{ id: string; url: string; organizationId: string | null; name: string | null }[]>(
      `SELECT e.id, e.url, e.organization_id AS "organizationId", o.name
         FROM webhook_endpoint e LEFT JOIN organization o ON o.id = e.organization_id WHERE e.id = $1`,
      [event.payload.webhookEndpointId],
    );
    if (!endpoint) return;
    const recipients: Recipient[] = endpoint.organizationId
      ? await this.txHost.tx.query<Recipient[]>(
          `SELECT u.email, u.first_name AS "firstName", u.last_name AS "lastName"
             FROM membership m JOIN user_account u ON u.id = m.user_id
            WHERE m.organization_id = $1 AND m.role = 'ORG_ADMIN' ORDER BY u.email`,
          [endpoint.organizationId],
        )
      : await this.users.findPlatformAdmins();
    await this.notifications.queueMany(
      recipients.map((recipient) => ({
        kind: MessageKind.WEBHOOK_ENDPOINT_DISABLED,
        recipient: recipient.email,
        organizationId: endpoint.organizationId,
        eventId: event.id,
        data: {
          recipient: recipientData(recipient),
          organization: { name: endpoint.name ?? 'Tessera' },
          endpoint: {
            id: endpoint.id,
            address: shownUrl(endpoint.url),
            failingSince: mailDate(new Date(event.payload.failingSince)),
            disableAfterDays: String(this.config.webhooks.disableAfterDays),
          },
        },
      })),
    );
  }
}
