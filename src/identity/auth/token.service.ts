import { Inject, Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { ErrorReason, UnauthenticatedError } from '@tessera/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { User } from '../entities/user.entity';
import { UsersService } from '../users.service';
import { UserActor } from './actor';

interface TokenClaims {
  sub: string;
  /** The account's session generation when the token was issued (absent in tokens from before it existed: 0). */
  gen?: number;
}

/**
 * Short-lived bearer tokens (HS256 JWT) for signed-in people. A token is good only in the session
 * generation it was issued in: a password change or reset moves the account's generation on, which
 * ends every earlier session at once — a counter, not a time, so a token issued in the same second
 * just after the reset still works (JWT `iat` counts whole seconds) while the one from before does not.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(user: Pick<User, 'id' | 'sessionGeneration'>): { accessToken: string; expiresAt: Date } {
    const ttl = this.config.auth.tokenTtlSeconds;
    const accessToken = this.jwt.sign({ sub: user.id, gen: user.sessionGeneration } satisfies TokenClaims, { expiresIn: ttl });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  async authenticate(token: string): Promise<UserActor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (error) {
      // The signature is checked before the expiry: only a token Tessera issued is ever called expired.
      if (error instanceof TokenExpiredError) {
        throw new UnauthenticatedError(ErrorReason.TOKEN_EXPIRED, 'The token has expired: sign in again.');
      }
      throw new UnauthenticatedError(ErrorReason.TOKEN_INVALID, 'The token is not valid: sign in again.');
    }
    const user = await this.users.findById(claims.sub);
    if (!user) throw new UnauthenticatedError(ErrorReason.TOKEN_INVALID, 'The account of this token no longer exists.');
    if ((claims.gen ?? 0) !== user.sessionGeneration) {
      throw new UnauthenticatedError(
        ErrorReason.SESSION_ENDED,
        'This session ended when the account’s password was changed: sign in again with the new password.',
      );
    }
    return { kind: 'user', userId: user.id, isPlatformAdmin: user.isPlatformAdmin };
  }
}
