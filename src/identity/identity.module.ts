import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AccessPolicy } from './access-policy.service';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth/auth.guard';
import { Authenticator } from './auth/authenticator';
import { TokenService } from './auth/token.service';
import { AuthService } from './auth.service';
import { ApiKey } from './entities/api-key.entity';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { RateLimitBucket } from './entities/rate-limit-bucket.entity';
import { PasswordToken } from './entities/password-token.entity';
import { User } from './entities/user.entity';
import { PasswordTokensService } from './password-tokens.service';
import { ApiKeysResolver } from './api-keys.resolver';
import { AuthResolver } from './auth.resolver';
import { MembershipsResolver } from './memberships.resolver';
import { OrganizationsResolver } from './organizations.resolver';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { RateLimiter } from './rate-limiter.service';
import { UsersService } from './users.service';
import { SignInClient } from './entities/sign-in-client.entity';
import { SignInClients } from './sign-in-clients';
import { RateLimitSweep } from './rate-limit-sweep';
import { GuessingBudget } from './guessing-budget.service';
import { MembershipInvitation } from './entities/membership-invitation.entity';
import { MembershipOffersService } from './membership-offers.service';
import { ProvisioningResolver } from './provisioning.resolver';
import { ProvisioningService } from './provisioning.service';
import { IdentityFields } from './identity-fields';
import { UsersResolver } from './users.resolver';

/** Users, organisations, memberships, API keys, sign-in, and who may do what. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, Organization, Membership, ApiKey, RateLimitBucket, PasswordToken, SignInClient, MembershipInvitation]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A key object made once: given the secret as text, jsonwebtoken would try it as a public key and
      // then build a key from it on every sign and verify.
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(config.auth.tokenSecret!)),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    UsersService,
    OrganizationsService,
    MembershipsService,
    ApiKeysService,
    AccessPolicy,
    AuthService,
    TokenService,
    Authenticator,
    RateLimiter,
    PasswordTokensService,
    AuthResolver,
    OrganizationsResolver,
    MembershipsResolver,
    ApiKeysResolver,
    { provide: APP_GUARD, useClass: AuthGuard },
    SignInClients,
    RateLimitSweep,
    GuessingBudget,
    MembershipOffersService,
    ProvisioningService,
    ProvisioningResolver,
    IdentityFields,
    UsersResolver,
  ],
  exports: [
    UsersService,
    OrganizationsService,
    MembershipsService,
    AccessPolicy,
    RateLimiter,
    AuthService,
    TokenService,
    Authenticator,
    PasswordTokensService,
    GuessingBudget,
    MembershipOffersService,
    IdentityFields,
  ],
})
export class IdentityModule {}
