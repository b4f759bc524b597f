import { Inject, Injectable } from '@nestjs/common';
import { OnEventAfterCommit } from '@tessera/events';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MembershipsService } from '../identity/memberships.service';
import { OrganizationsService } from '../identity/organizations.service';
import { UsersService } from '../identity/users.service';
import { WebhookEndpointDisabled } from '../webhooks/events/webhook-endpoint-disabled.event';
import { WebhookEndpointsService } from '../webhooks/webhook-endpoints.service';
import { mailDate, recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

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
    private readonly endpoints: WebhookEndpointsService,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipsService,
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
    const endpoint = await this.endpoints.findById(event.payload.webhookEndpointId);
    if (!endpoint) return;
    const { organizationId } = endpoint;
    const [organization] = organizationId ? await this.organizations.findByIds([organizationId]) : [];
    const recipients = organizationId ? await this.memberships.adminsOf(organizationId) : await this.users.findPlatformAdmins();
    await this.notifications.queueMany(
      recipients.map((recipient) => ({
        kind: MessageKind.WEBHOOK_ENDPOINT_DISABLED,
        recipient: recipient.email,
        organizationId,
        eventId: event.id,
        data: {
          recipient: recipientData(recipient),
          organization: { name: organization?.name ?? 'Tessera' },
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
