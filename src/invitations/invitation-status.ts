import { ConflictError, ErrorCode, ErrorReason, type ErrorReasonOf, NotFoundError } from '@tessera/common';
import { Invitation, InvitationStatus } from './entities/invitation.entity';

/** The statuses of an invitation that can no longer be accepted. */
export type ClosedStatus = Exclude<InvitationStatus, InvitationStatus.PENDING>;

/** Why an invitation cannot be accepted now; null when it can. */
export function closedReason(invitation: Invitation, now = new Date()): ClosedStatus | null {
  if (invitation.status !== InvitationStatus.PENDING) return invitation.status;
  return invitation.expiresAt <= now ? InvitationStatus.EXPIRED : null;
}

/** Why an invitation cannot be accepted, as the API and the accept page say it. */
export const CLOSED_MESSAGE: Record<ClosedStatus, string> = {
  ACCEPTED: 'This invitation has already been accepted.',
  INVALIDATED: 'Someone else accepted an invitation for this seat first: it is no longer available.',
  REVOKED: 'This invitation was withdrawn by the organisation.',
  EXPIRED: 'This invitation has expired: ask the organisation for a new one.',
};

/** The `extensions.reason` of each: the status's own spelling, which clients branch on. */
export const CLOSED_ERROR_REASON: Record<ClosedStatus, ErrorReasonOf<ErrorCode.CONFLICT>> = {
  ACCEPTED: ErrorReason.ACCEPTED,
  INVALIDATED: ErrorReason.INVALIDATED,
  REVOKED: ErrorReason.REVOKED,
  EXPIRED: ErrorReason.EXPIRED,
};

export function closedError(status: ClosedStatus): ConflictError {
  return new ConflictError(CLOSED_MESSAGE[status], { reason: CLOSED_ERROR_REASON[status] });
}

export function assertOpen(invitation: Invitation): void {
  const status = closedReason(invitation);
  if (status) throw closedError(status);
}

/** The late-acceptor message for someone who has the product already (through any organisation). */
export function alreadyHasAccess(productName: string): ConflictError {
  return new ConflictError(
    `You already have access to ${productName}: this invitation is not needed, and its seat stays with the organisation.`,
    { reason: ErrorReason.ALREADY_HAS_ACCESS },
  );
}

export function invalidLink(): NotFoundError {
  const error = new NotFoundError('Invitation');
  error.message = 'This invitation link is not valid: check it, or ask for a new one (a newer link replaces an older one).';
  return error;
}
