import { ConflictError, NotFoundError } from '@tessera/common';
import { Invitation, InvitationStatus } from './entities/invitation.entity';

/** Why an invitation cannot be accepted now; null when it can. */
export function closedReason(invitation: Invitation, now = new Date()): InvitationStatus | null {
  if (invitation.status !== InvitationStatus.PENDING) return invitation.status;
  return invitation.expiresAt <= now ? InvitationStatus.EXPIRED : null;
}

/** Why an invitation cannot be accepted, as the API and the accept page say it. */
export const CLOSED_MESSAGE: Record<Exclude<InvitationStatus, 'PENDING'>, string> = {
  ACCEPTED: 'This invitation has already been accepted.',
  INVALIDATED: 'Someone else accepted an invitation for this seat first: it is no longer available.',
  REVOKED: 'This invitation was withdrawn by the organisation.',
  EXPIRED: 'This invitation has expired: ask the organisation for a new one.',
};

export function assertOpen(invitation: Invitation): void {
  const reason = closedReason(invitation);
  if (reason && reason !== InvitationStatus.PENDING) throw new ConflictError(CLOSED_MESSAGE[reason], { reason });
}

/** The late-acceptor message for someone who has the product already (through any organisation). */
export function alreadyHasAccess(productName: string): ConflictError {
  return new ConflictError(
    `You already have access to ${productName}: this invitation is not needed, and its seat stays with the organisation.`,
    { reason: 'ALREADY_HAS_ACCESS' },
  );
}

export function invalidLink(): NotFoundError {
  const error = new NotFoundError('Invitation');
  error.message = 'This invitation link is not valid: check it, or ask for a new one (a newer link replaces an older one).';
  return error;
}
