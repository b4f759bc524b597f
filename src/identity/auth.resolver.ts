import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ForbiddenError, NotFoundError, clientAddress } from '@tessera/common';
import type { Actor } from './auth/actor';
import { CurrentActor, Public, type RequestWithActor } from './auth/auth.decorators';
import { AuthService } from './auth.service';
import {
  LoginInput,
  LoginPayload,
  RequestPasswordResetInput,
  RequestPasswordResetPayload,
  SetPasswordInput,
  SetPasswordPayload,
  Viewer,
} from './dto/auth.dto';
import { PasswordTokensService } from './password-tokens.service';
import { MembershipsService } from './memberships.service';
import { UsersService } from './users.service';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly passwordTokens: PasswordTokensService,
  ) {}

  @Public()
  @Mutation(() => RequestPasswordResetPayload, {
    description:
      'Mails a set-password link to the address if it has an account (the answer is the same either way). Rate-limited per client and account.',
  })
  async requestPasswordReset(
    @Args('input', { description: 'The address.' }) input: RequestPasswordResetInput,
    @Context('req') req: RequestWithActor,
  ): Promise<RequestPasswordResetPayload> {
    await this.passwordTokens.requestReset(input.email, clientAddress(req));
    return { accepted: true };
  }

  @Public()
  @Mutation(() => SetPasswordPayload, {
    description: 'Sets a password with the token of a set-password link (it works once) and signs in. Rate-limited per client.',
  })
  setPassword(
    @Args('input', { description: 'Token and new password.' }) input: SetPasswordInput,
    @Context('req') req: RequestWithActor,
  ): Promise<SetPasswordPayload> {
    return this.passwordTokens.setPassword(input.token, input.password, clientAddress(req));
  }

  @Public()
  @Mutation(() => LoginPayload, { description: 'Signs in with e-mail and password. Rate-limited per account and per client.' })
  login(
    @Args('input', { description: 'E-mail and password.' }) input: LoginInput,
    @Context('req') req: RequestWithActor,
  ): Promise<LoginPayload> {
    return this.auth.login(input.email, input.password, clientAddress(req));
  }

  @Query(() => Viewer, { description: 'The signed-in user and their organisations.' })
  async me(@CurrentActor() actor: Actor): Promise<Viewer> {
    if (actor.kind !== 'user') throw new ForbiddenError('`me` is for people; an API key has no user.');
    const user = await this.users.findById(actor.userId);
    if (!user) throw new NotFoundError('User', actor.userId);
    return { user, memberships: await this.memberships.listOfUser(user.id), emailVerified: Boolean(user.emailVerifiedAt) };
  }
}
