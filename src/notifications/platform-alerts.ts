import { Injectable } from '@nestjs/common';
import { OnEventInTransaction } from '@tessera/events';
import { GUESS_KEY } from '../identity/guessing-budget.service';
import { GuessingLimitReached } from '../identity/events/identity.events';
import { OrganizationsService } from '../identity/organizations.service';
import { UsersService } from '../identity/users.service';
import { recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

const LIMIT_NAMES: [prefix: string, name: string][] = [
  [GUESS_KEY.user, 'person'],
  [GUESS_KEY.apiKey, 'API key'],
  [GUESS_KEY.client, 'client address'],
  [GUESS_KEY.organization, 'organisation'],
];

/** Mails to the people who run the platform (no organisation's template applies; no secret in them). */
@Injectable()
export class PlatformAlerts {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly notifications: NotificationsService,
  ) {}

  /** In the event's transaction: one mail per platform admin, once per event. */
  @OnEventInTransaction(GuessingLimitReached)
  async onGuessingLimitReached(event: GuessingLimitReached): Promise<void> {
    const admins = await this.users.findPlatformAdmins();
    if (!admins.length) return;
    const { payload } = event;
    const [organization] = payload.organizationId ? await this.organizations.findByIds([payload.organizationId]) : [];
    const guess = {
      path: payload.path,
      actor: await this.describeActor(payload.actorKind, payload.actorRef),
      clientAddress: payload.clientAddress,
      organization: organization?.name ?? null,
      limits: payload.limits.map((key) => LIMIT_NAMES.find(([prefix]) => key.startsWith(prefix))?.[1] ?? key).join(', '),
      retryAfterMinutes: String(Math.ceil(payload.retryAfterSeconds / 60)),
    };
    await this.notifications.queueMany(
      admins.map((admin) => ({
        kind: MessageKind.GUESSING_LIMIT_REACHED,
        recipient: admin.email,
        organizationId: null,
        eventId: event.id,
        data: { recipient: recipientData(admin), organization: { name: 'Tessera' }, guess },
      })),
    );
  }

  private async describeActor(kind: 'user' | 'apiKey' | 'anonymous', ref: string | null): Promise<string> {
    if (kind === 'user' && ref) return `person ${(await this.users.findById(ref))?.email ?? ref}`;
    if (kind === 'apiKey' && ref) return `API key ${ref}`;
    return 'anonymous (not signed in)';
  }
}
