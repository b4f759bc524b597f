import { clientAddress } from '@tessera/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { Public, type RequestWithActor } from '../identity/auth/auth.decorators';
import { RegistrationCodeInfo } from './dto/registration-code.dto';
import { RegistrationLookupService } from './registration-lookup.service';

@Resolver()
export class RegistrationLookupResolver {
  constructor(private readonly service: RegistrationLookupService) {}

  @Public()
  @Query(() => RegistrationCodeInfo, {
    description:
      'Whether a code can be used to register, what it gives access to, and for a participant’s code a greeting and hints to pre-fill the form (first name, masked e-mail and phone; never their full details). No sign-in. A wrong code costs one guess of the same budget as redeemCode (per client address, and per person when signed in); a real one costs nothing; RATE_LIMITED when it is used up.',
  })
  registrationCode(
    @Args('code', { description: 'The code as typed (case, spaces and hyphens do not matter).' }) code: string,
    @Context('req') req: RequestWithActor,
  ): Promise<RegistrationCodeInfo> {
    return this.service.lookUp(code, req.actor ?? null, clientAddress(req));
  }
}
