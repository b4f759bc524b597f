import { DomainEvent } from '@tessera/events';

/** Participants of a contract were given their own codes (one, or a whole file's worth). */
export class ParticipantCodesAssigned extends DomainEvent<{ contractId: string; count: number; importId?: string }> {
  static override readonly type = 'ParticipantCodesAssigned';
}

/**
 * A code was e-mailed to a member (again, or to someone else than before: it stays AVAILABLE).
 * The message text and the admin comment stay in the send history, out of the audit log.
 */
export class CodeSent extends DomainEvent<{
  codeId: string;
  sendId: string;
  recipientUserId: string;
  recipientEmail: string;
  /** Who the code was last sent to before, when someone else: the code was reassigned. */
  previousRecipientEmail: string | null;
  messageId: string | null;
}> {
  static override readonly type = 'CodeSent';
}
