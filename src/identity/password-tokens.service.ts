import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, hashToken, newId, newSecretToken } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { IsNull, MoreThan } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { passwordHasher } from './auth/password-hasher';
import { LoginResult } from './auth.service';
import { TokenService } from './auth/token.service';
import { PasswordToken } from './entities/password-token.entity';
import { PasswordResetRequested } from './events/identity.events';
import { RateLimiter } from './rate-limiter.service';
import { UsersService } from './users.service';

const DAY_MS = 86_400_000;
/** Set-password attempts per client address and minute: a person needs one, a guesser millions. */
const ATTEMPTS_PER_MINUTE = 20;
/** Reset requests per client address and per account in a quarter of an hour: enough to retry, too few to flood an inbox. */
const RESETS_PER_CLIENT = 10;
const RESETS_PER_ACCOUNT = 3;

/** One-time set-password links for accounts made for people (never a password by mail). */
@Injectable()
export class PasswordTokensService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(PasswordToken);
  }

  /** A new link for the person, in the caller's transaction; earlier unused links stop working. */
  @Transactional()
  async issue(userId: string): Promise<{ url: string; expiresAt: Date }> {
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND used_at IS NULL', { userId })
      .execute();
    const { token, hash } = newSecretToken();
    const expiresAt = new Date(Date.now() + this.config.links.setPasswordTtlDays * DAY_MS);
    await this.repository.insert({ id: newId(), userId, tokenHash: hash, expiresAt, usedAt: null });
    return { url: `${this.config.links.appUrl}/set-password?token=${token}`, expiresAt };
  }

  /**
   * "Forgot password": mails a set-password link when the address has an account. The answer is
   * the same either way, so nobody learns who has an account here.
   */
  async requestReset(email: string, clientAddress: string): Promise<void> {
    await this.limiter.consume({ key: `password-reset:client:${clientAddress}`, max: RESETS_PER_CLIENT, windowSeconds: 900 }, 1);
    const user = await this.users.findByEmail(email);
    if (!user) return;
    try {
      await this.limiter.consume({ key: `password-reset:account:${user.id}`, max: RESETS_PER_ACCOUNT, windowSeconds: 900 }, 1);
    } catch {
      return; // the same answer as for an unknown address; the inbox is not flooded
    }
    await this.publishReset(user.id);
  }

  @Transactional()
  private async publishReset(userId: string): Promise<void> {
    await this.events.publish(new PasswordResetRequested({ userId }, { actorId: null }));
  }

  /** Whether a link still works, for the page it opens: a used, replaced or expired one is CONFLICT. */
  async checkLink(token: string, clientAddress: string): Promise<void> {
    await this.limiter.consume({ key: `set-password:client:${clientAddress}`, max: ATTEMPTS_PER_MINUTE, windowSeconds: 60 }, 1);
    await this.assertLive(token);
  }

  /** Uses a link: sets the password and signs the person in. A used, replaced or expired link is CONFLICT. */
  async setPassword(token: string, password: string, clientAddress: string): Promise<LoginResult> {
    await this.limiter.consume({ key: `set-password:client:${clientAddress}`, max: ATTEMPTS_PER_MINUTE, windowSeconds: 60 }, 1);
    // A dead link is refused before the (slow on purpose) hashing; `use` checks again, guarded.
    await this.assertLive(token);
    // Hashed before the transaction, so no row waits for it.
    const passwordHash = await passwordHasher.hash(password);
    const userId = await this.use(token, passwordHash);
    const user = (await this.users.findById(userId))!;
    return { ...this.tokens.issue(user), user };
  }

  private async assertLive(token: string): Promise<void> {
    if (!(await this.repository.existsBy({ tokenHash: hashToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) })))
      throw expiredLink();
  }

  @Transactional()
  private async use(token: string, passwordHash: string): Promise<string> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE password_token SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
      [hashToken(token)],
    )) as [{ user_id: string }[], number];
    if (!rows.length) throw expiredLink();
    await this.users.setPasswordHash(rows[0].user_id, passwordHash);
    return rows[0].user_id;
  }
}

function expiredLink(): ConflictError {
  return new ConflictError('This link has expired or has been used. Ask for a new one.', { field: 'token' });
}
