import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ErrorReason, hashToken, newId, newSecretToken } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { IsNull, MoreThan } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { passwordHasher } from './auth/password-hasher';
import { LoginResult } from './auth.service';
import { TokenService } from './auth/token.service';
import { PasswordToken } from './entities/password-token.entity';
import { PasswordResetRequested } from './events/identity.events';
import { RateLimit, RateLimiter } from './rate-limiter.service';
import { SignInClients } from './sign-in-clients';
import { normalizeEmail, UsersService } from './users.service';

const DAY_MS = 86_400_000;
/** Set-password attempts per client address and minute: a person needs one, a guesser millions. */
const ATTEMPTS_PER_MINUTE = 20;
/** Reset requests per client address in a quarter of an hour, whatever the addresses asked for. */
const RESETS_PER_CLIENT: RateLimit = { key: 'password-reset:client:', max: 10, windowSeconds: 900 };
/** Per client address and account in a quarter of an hour: enough to retry; a stranger's requests hold only the stranger. */
const RESETS_PER_ACCOUNT_AND_CLIENT: RateLimit = { key: 'password-reset:account-client:', max: 3, windowSeconds: 900 };
/**
 * Per account in an hour, gentle, against flooding an inbox from many addresses; it spares the
 * addresses the account has signed in from (or set its password from), so strangers cannot use up
 * the owner's own requests.
 */
const RESETS_PER_ACCOUNT: RateLimit = { key: 'password-reset:account:', max: 10, windowSeconds: 3600 };

/** One-time set-password links for accounts made for people (never a password by mail). */
@Injectable()
export class PasswordTokensService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly signInClients: SignInClients,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(PasswordToken);
  }

  /**
   * A new link for the person, in the caller's transaction. Earlier unused links keep working until
   * they expire or one of the account's links is used: a request someone else makes for the address
   * does not kill the link its owner is about to follow.
   */
  @Transactional()
  async issue(userId: string): Promise<{ url: string; expiresAt: Date }> {
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
    // Counted by the address asked for, whether it has an account or not: the limits answer alike either way.
    const normalized = normalizeEmail(email);
    const limit = (rate: RateLimit, key: string): RateLimit => ({ ...rate, key: rate.key + key });
    await this.limiter.consume(limit(RESETS_PER_CLIENT, clientAddress), 1);
    await this.limiter.consume(limit(RESETS_PER_ACCOUNT_AND_CLIENT, `${clientAddress} ${normalized}`), 1);
    const user = await this.users.findByEmail(email);
    // Asked for an e-mail without an account too, so the answer takes as long either way.
    const knownClient = await this.signInClients.isKnown(user?.id ?? null, clientAddress);
    if (!knownClient) {
      try {
        await this.limiter.consume(limit(RESETS_PER_ACCOUNT, normalized), 1);
      } catch {
        return; // the same answer as for an unknown address; the inbox is not flooded
      }
    }
    if (!user) return;
    await this.publishReset(user.id);
  }

  @Transactional()
  private async publishReset(userId: string): Promise<void> {
    await this.events.publish(new PasswordResetRequested({ userId }, { actorId: null }));
  }

  /** Whether a link still works, for the page it opens: a used or expired one (or one whose account has used another since) is CONFLICT. */
  async checkLink(token: string, clientAddress: string): Promise<void> {
    await this.limiter.consume({ key: `set-password:client:${clientAddress}`, max: ATTEMPTS_PER_MINUTE, windowSeconds: 60 }, 1);
    await this.assertLive(token);
  }

  /**
   * Uses a link: sets the password and signs the person in. A used or expired link is CONFLICT. The
   * link was mailed to the account's address, so whoever follows it controls the address: the
   * address they followed it from becomes a known sign-in address (the per-account sign-in limit
   * spares it), and it alone, as a new password forgets the others.
   */
  async setPassword(token: string, password: string, clientAddress: string): Promise<LoginResult> {
    await this.limiter.consume({ key: `set-password:client:${clientAddress}`, max: ATTEMPTS_PER_MINUTE, windowSeconds: 60 }, 1);
    // A dead link is refused before the (slow on purpose) hashing; `use` checks again, guarded.
    await this.assertLive(token);
    // Hashed before the transaction, so no row waits for it.
    const passwordHash = await passwordHasher.hash(password);
    const userId = await this.use(token, passwordHash, clientAddress);
    const user = (await this.users.findById(userId))!;
    return { ...this.tokens.issue(user), user };
  }

  private async assertLive(token: string): Promise<void> {
    if (!(await this.repository.existsBy({ tokenHash: hashToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) })))
      throw expiredLink();
  }

  /**
   * One transaction: the link is used, the account's other unused links die with it, the password is
   * set (forgetting every known address) and the address the link was used from is remembered.
   */
  @Transactional()
  private async use(token: string, passwordHash: string, clientAddress: string): Promise<string> {
    const tx = this.txHost.tx;
    const tokenHash = hashToken(token);
    // The account's row is locked first, so two links of one account used at once take turns (no
    // deadlock over each other's links): the second finds its link killed by the first.
    const [owner] = (await tx.query(
      `SELECT u.id FROM user_account u JOIN password_token t ON t.user_id = u.id WHERE t.token_hash = $1 FOR UPDATE OF u`,
      [tokenHash],
    )) as { id: string }[];
    if (!owner) throw expiredLink();
    const [used] = (await tx.query(
      `UPDATE password_token SET used_at = now() WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > now() RETURNING id`,
      [tokenHash, owner.id],
    )) as [{ id: string }[], number];
    if (!used.length) throw expiredLink();
    await tx.query(`UPDATE password_token SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [owner.id]);
    await this.users.setPasswordHash(owner.id, passwordHash);
    await this.signInClients.remember(owner.id, clientAddress, tx);
    return owner.id;
  }
}

function expiredLink(): ConflictError {
  return new ConflictError('This link has expired or has been used. Ask for a new one.', {
    reason: ErrorReason.LINK_EXPIRED,
    field: 'token',
  });
}
