import { Inject, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@tessera/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { passwordHasher } from './auth/password-hasher';
import { TokenService } from './auth/token.service';
import { User } from './entities/user.entity';
import { RateLimit, RateLimiter } from './rate-limiter.service';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** E-mail and password in, bearer token out; attempts are counted per account and per client. */
  async login(email: string, password: string, clientAddress: string): Promise<LoginResult> {
    const user = await this.checkPassword(email, password, clientAddress);
    return { ...this.tokens.issue(user), user };
  }

  /**
   * The account, if the password is right; wherever a password is checked (sign-in, accepting an
   * invitation as an existing account) the same per-account and per-client limits apply.
   */
  async checkPassword(email: string, password: string, clientAddress: string): Promise<User> {
    const { maxPerAccount, maxPerClient, windowSeconds } = this.config.auth.login;
    const account: RateLimit = { key: `login:account:${normalizeEmail(email)}`, max: maxPerAccount, windowSeconds };
    const client: RateLimit = { key: `login:client:${clientAddress}`, max: maxPerClient, windowSeconds };
    await this.limiter.take([account, client]);
    const user = await this.users.findByEmail(email);
    const valid = await passwordHasher.verify(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !user.passwordHash || !valid) throw new UnauthenticatedError('The e-mail or the password is wrong.');
    await this.limiter.reset([account.key]);
    await this.limiter.giveBack([client]);
    return user;
  }
}
