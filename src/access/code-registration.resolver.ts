import { clientAddress } from '@tessera/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Public, type RequestWithActor } from '../identity/auth/auth.decorators';
import { CodeRegistrationService } from './code-registration.service';
import { RegisterWithCodeInput, RegisterWithCodePayload } from './dto/code-registration.dto';

@Resolver()
export class CodeRegistrationResolver {
  constructor(private readonly service: CodeRegistrationService) {}

  @Public()
  @Mutation(() => RegisterWithCodePayload, {
    description:
      'Registers a newcomer with a code, no sign-in: makes the account, redeems the code (both or neither) and signs them in. ' +
      'A used, void or expired code is CONFLICT with extensions.reason, as for redeemCode; an address that has an account is ' +
      'CONFLICT ACCOUNT_EXISTS (sign in and use redeemCode). Wrong codes and taken addresses cost a guess of redeemCode’s budget per client address (the same submission again costs nothing).',
  })
  registerWithCode(
    @Args('input', { description: 'The code and the new account’s details.' }) input: RegisterWithCodeInput,
    @Context('req') req: RequestWithActor,
  ): Promise<RegisterWithCodePayload> {
    return this.service.register(input, clientAddress(req));
  }
}
