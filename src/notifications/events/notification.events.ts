import { DomainEvent } from '@tessera/events';
import type { MessageKind } from '../message-kinds';

/** An organisation changed (or reset) the text of one kind of message. */
export class MessageTemplateChanged extends DomainEvent<{ kind: MessageKind; reset: boolean }> {
  static override readonly type = 'MessageTemplateChanged';
}

/** A message entered the delivery log; its after-commit handler sends it. */
export class MessageQueued extends DomainEvent<{ messageId: string }> {
  static override readonly type = 'MessageQueued';
}
