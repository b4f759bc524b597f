import { DomainEvent } from '@tessera/events';

/** How a code came to be redeemed. */
export type RedemptionChannel = 'CODE' | 'ASSIGNMENT' | 'INVITATION';

/** A person redeemed a code (or was given its seat): the code is REDEEMED and a grant exists. */
export class CodeRedeemed extends DomainEvent<{
  codeId: string;
  grantId: string;
  userId: string;
  productId: string | null;
  priceId: string | null;
  channel: RedemptionChannel;
  /** The invitation accepted, for the INVITATION channel: the other invitations for the seat lose it. */
  invitationId: string | null;
}> {
  static override readonly type = 'CodeRedeemed';
}

export class AccessRevoked extends DomainEvent<{
  grantId: string;
  codeId: string;
  userId: string;
  reason: string | null;
  codeReleased: boolean;
}> {
  static override readonly type = 'AccessRevoked';
}

export class AccessExtended extends DomainEvent<{ grantId: string; userId: string; previousEndsAt: string | null; newEndsAt: string }> {
  static override readonly type = 'AccessExtended';
}

/** An admin asked for a grant's confirmation mail again (a person without a password gets a new set-password link). */
export class RegistrationConfirmationRequested extends DomainEvent<{ grantId: string; userId: string }> {
  static override readonly type = 'RegistrationConfirmationRequested';
}

export class MilestoneRecorded extends DomainEvent<{ grantId: string; userId: string; key: string }> {
  static override readonly type = 'MilestoneRecorded';
}

/** The scheduled expiry ended these grants (one event per round and organisation). */
export class AccessExpired extends DomainEvent<{ grantIds: string[] }> {
  static override readonly type = 'AccessExpired';
}
