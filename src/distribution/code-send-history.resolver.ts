import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs } from '@tessera/common';
import { Code } from '../inventory/entities/code.entity';
import { CodeSendingService } from './code-sending.service';
import { CodeSendConnection } from './dto/code-send.dto';

/**
 * The send history on the inventory's Code type. Code is reached only through queries its
 * organisation's admins may run, so the history (admin comments included) needs no check of its own.
 */
@Resolver(() => Code)
export class CodeSendHistoryResolver {
  constructor(private readonly service: CodeSendingService) {}

  @ResolveField(() => CodeSendConnection, { description: 'Every time the code was sent, newest first.' })
  async sends(@Parent() code: Code, @Args() page: PageArgs, @Context('loaders') loaders: Loaders): Promise<CodeSendConnection> {
    // One loader per page shape: the codes of one list share it, and their histories load in one batch.
    const loader = loaders.get<CodeSendConnection>(`codeSends:${page.first}:${page.after ?? ''}`, (codeIds) =>
      this.service.historiesOf(codeIds, page),
    );
    return (await loader.load(code.id))!;
  }
}
