import { DomainEvent } from '@tessera/events';

/**
 * An invitation was made. `mailSecrets` (sealed with EventSecrets) holds its accept link when it is
 * mailed; a seat held for an account's invitation to join is not, and has none.
 */
export class InvitationCreated extends DomainEvent<{ invitationId: string; codeId: string; email: string; mailSecrets?: string | null }> {
  static override readonly type = 'InvitationCreated';
}

/** The invited person took the seat; every other pending invitation for it is now INVALIDATED. */
export class InvitationAccepted extends DomainEvent<{ invitationId: string; codeId: string; userId: string; grantId: string }> {
  static override readonly type = 'InvitationAccepted';
}

/** Someone took a seat (accepting one of its invitations, or given it directly): its other pending invitations lost it. */
export class InvitationsInvalidated extends DomainEvent<{ invitationIds: string[]; codeId: string }> {
  static override readonly type = 'InvitationsInvalidated';
}

export class InvitationRevoked extends DomainEvent<{ invitationId: string; codeId: string; seatReleased: boolean }> {
  static override readonly type = 'InvitationRevoked';
}

/** A new link was made (copied or re-sent): the old one stops working. A re-sent link travels sealed in `mailSecrets`. */
export class InvitationLinkRenewed extends DomainEvent<{ invitationId: string; resent: boolean; mailSecrets?: string | null }> {
  static override readonly type = 'InvitationLinkRenewed';
}

export class InvitationsExpired extends DomainEvent<{ invitationIds: string[]; releasedCodeIds: string[] }> {
  static override readonly type = 'InvitationsExpired';
}
