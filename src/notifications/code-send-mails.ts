import { Injectable } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders } from '@tessera/common';
import { OnEventAfterCommit } from '@tessera/events';
import { ContractsService } from '../contracts/contracts.service';
import { CodeSendingService } from '../distribution/code-sending.service';
import { CodeSend } from '../distribution/entities/code-send.entity';
import { CodeSent } from '../distribution/events/distribution.events';
import { OrganizationsService } from '../identity/organizations.service';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import type { Code } from '../inventory/entities/code.entity';
import { Message } from './entities/message.entity';
import { recipientData } from './mail-data';
import { MessageKind } from './message-kinds';
import { NotificationsService } from './notifications.service';

/**
 * The code mail of workflow A, after a send commits: queued under the id the send named
 * (`CodeSend.messageId`) and the event's id, so a handler that runs again queues nothing more.
 */
@Injectable()
export class CodeSendMails {
  constructor(
    private readonly sends: CodeSendingService,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
  ) {}

  @OnEventAfterCommit(CodeSent)
  async onCodeSent(event: CodeSent): Promise<void> {
    const [send] = await this.sends.findByIds([event.payload.sendId]);
    const [code] = send ? await this.codes.findByIds([send.codeId]) : [];
    const recipient = send?.recipientUserId ? await this.users.findById(send.recipientUserId) : null;
    if (!send || !code || !recipient) return; // gone with its organisation or the account: nobody to tell
    await this.notifications.queue(
      {
        id: send.messageId ?? undefined,
        kind: MessageKind.CODE_SENT,
        recipient: send.recipientEmail,
        organizationId: send.organizationId,
        codeId: code.id,
        eventId: event.id,
        // Only what the template may show: the admin comment is never part of a mail's data.
        data: { ...(await this.mailContext(code)), recipient: recipientData(recipient), message: send.message },
      },
      event.actorId,
    );
  }

  /** The code as people read it, and what it is for. */
  private async mailContext(code: Code) {
    const [price] = code.priceId ? await this.contracts.findPricesByIds([code.priceId]) : [];
    const [[product], [organization], display] = await Promise.all([
      price ? this.contracts.findProductsByIds([price.productId]) : [],
      this.organizations.findByIds([code.organizationId]),
      this.codes.displayForm(code),
    ]);
    const organizationName = organization?.name ?? '';
    // A code without a price still reads as a sentence: "Your registration code for <organisation>".
    return { code: display, organization: { name: organizationName }, product: { name: product?.name ?? organizationName } };
  }
}

/** A send's e-mail in the delivery log: a field of CodeSend that notifications, which owns the log, resolves. */
@Resolver(() => CodeSend)
export class CodeSendDeliveryResolver {
  constructor(private readonly notifications: NotificationsService) {}

  @ResolveField(() => Message, {
    nullable: true,
    description:
      'The e-mail in the delivery log: its status, attempts and last error (null for the moment between the send and its queueing).',
  })
  delivery(@Parent() send: CodeSend, @Context('loaders') loaders: Loaders): Promise<Message | null> {
    return send.messageId
      ? loaders.byId('message', (ids) => this.notifications.findByIds(ids)).load(send.messageId)
      : Promise.resolve(null);
  }
}
