import { Inject, Injectable } from '@nestjs/common';
import { clientNetwork, ErrorReason, UnauthenticatedError } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { passwordHasher } from './auth/password-hasher';
import { TokenService } from './auth/token.service';
import { User } from './entities/user.entity';
import { RateLimit, RateLimiter } from './rate-limiter.service';
import { SignInClients } from './sign-in-clients';
import { normalizeEmail, UsersService } from './users.service';

// Verified when the account does not exist, so a miss takes as long as a wrong password.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$jpe9USwjfs0dMyiiLxfDyQ$yIG+aZ/U3ULhrpRpvwBNV4o0hzBac6vIg3CsL1y81xA';

export interface LoginResult {
  accessToken: string;
  expiresAt: Date;
  user: User;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly signInClients: SignInClients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** E-mail and password in, bearer token out; attempts are counted as `checkPassword` says. */
  async login(email: string, password: string, clientAddress: string): Promise<LoginResult> {
    const user = await this.checkPassword(email, password, clientAddress);
    return { ...this.tokens.issue(user), user };
  }

  /**
   * The account, if the password is right; wherever a password is checked (sign-in, accepting an
   * invitation as an existing account) the same limits apply, each checked only once the one before
   * it passed, so a refused attempt writes nothing further:
   * - per client address (a client over it touches no account's counts, whatever e-mail it sends);
   * - per account and client address, the strict one: a stranger's failures hold only the stranger;
   * - per account, gentle and over a longer window, against guessing from many addresses; it spares
   *   the addresses the account has signed in from, so its owner is not locked out by it.
   */
  async checkPassword(email: string, password: string, clientAddress: string): Promise<User> {
    const { maxPerAccount, maxPerClient, windowSeconds, maxPerAccountAndClient, accountWindowSeconds } = this.config.auth.login;
    const normalized = normalizeEmail(email);
    const client: RateLimit = { key: `login:client:${clientNetwork(clientAddress)}`, max: maxPerClient, windowSeconds };
    const pair: RateLimit = { key: `login:account-client:${clientAddress} ${normalized}`, max: maxPerAccountAndClient, windowSeconds };
    const account: RateLimit = { key: `login:account:${normalized}`, max: maxPerAccount, windowSeconds: accountWindowSeconds };
    await this.limiter.take([client]);
    await this.limiter.take([pair]);
    const user = await this.users.findByEmail(email);
    // Asked for an e-mail without an account too, so the answer takes as long either way.
    const knownClient = await this.signInClients.isKnown(user?.id ?? null, clientAddress);
    if (!knownClient) await this.limiter.take([account]);
    const valid = await passwordHasher.verify(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !user.passwordHash || !valid) {
      throw new UnauthenticatedError(ErrorReason.WRONG_CREDENTIALS, 'The e-mail or the password is wrong.');
    }
    // The per-account count is not reset: the owner signing in does not wipe a distributed guesser's tally.
    await this.limiter.reset([pair.key]);
    await this.limiter.giveBack(knownClient ? [client] : [client, account]);
    await this.signInClients.remember(user.id, clientAddress);
    return user;
  }
}
