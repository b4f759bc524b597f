import { DomainEvent } from '@tessera/events';
import type { MessageKind } from '../message-kinds';

/** An organisation changed (or reset) the text of one kind of message. */
export class MessageTemplateChanged extends DomainEvent<{ kind: MessageKind; reset: boolean }> {
  static override readonly type = 'MessageTemplateChanged';
}

/** Messages entered the delivery log together; the after-commit handler queues their sending. */
export class MessagesQueued extends DomainEvent<{ messageIds: string[] }> {
  static override readonly type = 'MessagesQueued';
}

/** A message entered the delivery log (published before messages were queued together; still handled). */
export class MessageQueued extends DomainEvent<{ messageId: string }> {
  static override readonly type = 'MessageQueued';
}

/** A message was refused for good (or ran out of attempts): it is FAILED and no retry follows. */
export class MessageFailed extends DomainEvent<{ messageId: string; kind: MessageKind }> {
  static override readonly type = 'MessageFailed';
}
