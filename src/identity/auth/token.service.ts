import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@tessera/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { UsersService } from '../users.service';
import { UserActor } from './actor';

interface TokenClaims {
  sub: string;
}

/** Short-lived bearer tokens (HS256 JWT) for signed-in people. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(userId: string): { accessToken: string; expiresAt: Date } {
    const ttl = this.config.auth.tokenTtlSeconds;
    const accessToken = this.jwt.sign({ sub: userId } satisfies TokenClaims, { expiresIn: ttl });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  async authenticate(token: string): Promise<UserActor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthenticatedError('The token is invalid or has expired: sign in again.');
    }
    const user = await this.users.findById(claims.sub);
    if (!user) throw new UnauthenticatedError('The account of this token no longer exists.');
    return { kind: 'user', userId: user.id, isPlatformAdmin: user.isPlatformAdmin };
  }
}
