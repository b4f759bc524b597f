import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { Code } from '../inventory/entities/code.entity';
import { CodeSendingService } from './code-sending.service';
import { SendCodeInput, SendCodePayload } from './dto/code-send.dto';
import { CodeSend } from './entities/code-send.entity';

@Resolver(() => CodeSend)
export class CodeSendingResolver {
  constructor(
    private readonly service: CodeSendingService,
    private readonly codes: CodesService,
    private readonly users: UsersService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => CodeSend, {
    description: "One sending of a code (its organisation's admins and API keys). Anyone else's is NOT_FOUND, as a missing one.",
  })
  codeSend(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'The send.' }) id: string): Promise<CodeSend> {
    return this.service.get(actor, id);
  }

  @Mutation(() => SendCodePayload, {
    description:
      'E-mails an AVAILABLE code to a member of its organisation who has not redeemed a code there (its admins and API keys). ' +
      'Sending again re-sends; sending to someone else reassigns it. A redeemed, void, held or expired code is CONFLICT with ' +
      'extensions.reason; someone outside the organisation is BAD_USER_INPUT on userId or email.',
  })
  sendCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The code, the member, the message and the admin comment.' }) input: SendCodeInput,
  ): Promise<SendCodePayload> {
    return this.service.send(actor, input);
  }

  @ResolveField(() => Code, { description: 'The code sent.' })
  async code(@Parent() send: CodeSend, @Context('loaders') loaders: Loaders): Promise<Code> {
    return (await loaders.byId('code', (ids) => this.codes.findByIds(ids)).load(send.codeId))!;
  }

  @ResolveField(() => User, { nullable: true, description: 'The member it was sent to (null once their account is gone).' })
  recipient(@Parent() send: CodeSend, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return send.recipientUserId ? this.userLoader(loaders).load(send.recipientUserId) : Promise.resolve(null);
  }

  @ResolveField(() => User, { nullable: true, description: 'The admin who sent it (null for an API key or an operator).' })
  sentBy(@Parent() send: CodeSend, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return send.sentByUserId ? this.userLoader(loaders).load(send.sentByUserId) : Promise.resolve(null);
  }

  @ResolveField(() => Organization, { description: 'The organisation that holds the code.' })
  async organization(@Parent() send: CodeSend, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, send.organizationId), 'organisation');
  }

  private userLoader(loaders: Loaders) {
    return loaders.byId('user', (ids) => this.users.findByIds(ids));
  }
}
