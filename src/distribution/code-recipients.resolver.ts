import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { User } from '../identity/entities/user.entity';
import { UsersService } from '../identity/users.service';
import { CodeSendingService } from './code-sending.service';
import { CodeRecipient, CodeRecipientConnection, CodeRecipientsArgs } from './dto/code-send.dto';
import { CodeSend } from './entities/code-send.entity';

@Resolver(() => CodeRecipient)
export class CodeRecipientsResolver {
  constructor(
    private readonly service: CodeSendingService,
    private readonly users: UsersService,
  ) {}

  @Query(() => CodeRecipientConnection, {
    description:
      "Who a code can be sent to: the members of the code's organisation who have not redeemed a code there, " +
      'never sent one or sent one and not redeemed it, in the order they joined (its admins and API keys).',
  })
  codeRecipients(@CurrentActor() actor: Actor, @Args() args: CodeRecipientsArgs): Promise<CodeRecipientConnection> {
    return this.service.recipients(actor, args);
  }

  @ResolveField(() => User, { description: 'The member.' })
  async user(@Parent() recipient: CodeRecipient, @Context('loaders') loaders: Loaders): Promise<User> {
    return (await loaders.byId('user', (ids) => this.users.findByIds(ids)).load(recipient.userId))!;
  }

  @ResolveField(() => CodeSend, {
    nullable: true,
    description: 'The latest code of the organisation sent to them: when (createdAt) and which code (code).',
  })
  lastSend(@Parent() recipient: CodeRecipient, @Context('loaders') loaders: Loaders): Promise<CodeSend | null> {
    return recipient.lastSendId
      ? loaders.byId('codeSend', (ids) => this.service.findByIds(ids)).load(recipient.lastSendId)
      : Promise.resolve(null);
  }
}
