import { Transactional } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { Actor } from './auth/actor';
import { EmailVerificationRequested } from './events/identity.events';
import { RateLimiter } from './rate-limiter.service';
import { UsersService } from './users.service';

/** Verification mails per account in a quarter of an hour: enough to retry, too few to flood an inbox. */
const REQUESTS_PER_ACCOUNT = 3;

/**
 * Proving an account's address. The proof is a set-password link mailed to the address: its
 * password may be one someone else chose (an organisation's admin, whoever typed a code with the
 * address), so the owner proves the address and replaces that password in one step. Until then
 * the account reaches nothing outside the organisation that made it.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: RateLimiter,
    private readonly events: EventBus,
  ) {}

  /** Mails the signed-in person the link; nothing when the address is proven already. */
  async request(actor: Actor): Promise<void> {
    if (actor.kind !== 'user') throw new ForbiddenError('Only a signed-in person can confirm their own address.');
    const user = await this.users.findById(actor.userId);
    if (!user) throw new NotFoundError('User', actor.userId);
    if (user.emailVerifiedAt) return;
    await this.limiter.consume({ key: `email-verification:account:${user.id}`, max: REQUESTS_PER_ACCOUNT, windowSeconds: 900 }, 1);
    await this.publishRequest(user.id);
  }

  @Transactional()
  private async publishRequest(userId: string): Promise<void> {
    await this.events.publish(new EmailVerificationRequested({ userId }, { actorId: userId }));
  }
}
