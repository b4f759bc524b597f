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
      'Whether a code can be used to register, what it gives access to, and for a participant’s code their details to pre-fill the form. No sign-in; rate-limited per client.',
  })
  registrationCode(
    @Args('code', { description: 'The code as typed (case, spaces and hyphens do not matter).' }) code: string,
    @Context('req') req: RequestWithActor,
  ): Promise<RegistrationCodeInfo> {
    return this.service.lookUp(code, clientAddress(req));
  }
}
