import { DomainEvent } from '@tessera/events';
import { MemberRole } from '../entities/membership.entity';

export class UserCreated extends DomainEvent<{ userId: string; email: string }> {
  static override readonly type = 'UserCreated';
}

export class OrganizationCreated extends DomainEvent<{ organizationId: string; name: string; slug: string }> {
  static override readonly type = 'OrganizationCreated';
}

export class MemberAdded extends DomainEvent<{ membershipId: string; userId: string; role: MemberRole }> {
  static override readonly type = 'MemberAdded';
}

export class MemberRoleChanged extends DomainEvent<{ membershipId: string; userId: string; from: MemberRole; to: MemberRole }> {
  static override readonly type = 'MemberRoleChanged';
}

/** `role` is the role the member had (absent from events recorded before it was carried). */
export class MemberRemoved extends DomainEvent<{ membershipId: string; userId: string; role?: MemberRole }> {
  static override readonly type = 'MemberRemoved';
}

/** An account made for an organisation's new admin without a password: its owner is mailed a set-password link. */
export class AccountSetupRequested extends DomainEvent<{ userId: string }> {
  static override readonly type = 'AccountSetupRequested';
}

export class ApiKeyCreated extends DomainEvent<{ apiKeyId: string; name: string; prefix: string }> {
  static override readonly type = 'ApiKeyCreated';
}

export class ApiKeyRevoked extends DomainEvent<{ apiKeyId: string }> {
  static override readonly type = 'ApiKeyRevoked';
}

/** Someone asked for a set-password link for this account (the link itself is made by the mail, never stored in an event). */
export class PasswordResetRequested extends DomainEvent<{ userId: string }> {
  static override readonly type = 'PasswordResetRequested';
}

/** Which answer a guesser used: every path that can tell a live code from a dead one. */
export type GuessPath = 'REDEEM' | 'REGISTER' | 'LOOKUP' | 'IMPORT';

/**
 * Someone ran out of the guessing budget (once per window per limit, not per attempt): who, from
 * where, through which path, and which limits. Never a guessed code.
 */
export class GuessingLimitReached extends DomainEvent<{
  path: GuessPath;
  actorKind: 'user' | 'apiKey' | 'anonymous';
  /** The person or API key, when there is one. */
  actorRef: string | null;
  clientAddress: string;
  /** The organisation an import was for. */
  organizationId: string | null;
  /** The limits used up (person, API key, client address, organisation). */
  limits: string[];
  retryAfterSeconds: number;
}> {
  static override readonly type = 'GuessingLimitReached';
}

/**
 * An account was made with a password someone else may have chosen: its owner is mailed a link that
 * proves the address by choosing their own (the link is made by the mail, never stored in an event).
 */
export class EmailVerificationRequested extends DomainEvent<{ userId: string }> {
  static override readonly type = 'EmailVerificationRequested';
}

/**
 * An organisation offered an existing account membership (the account is not attached until its
 * owner accepts, signed in, with the link the platform mails them). `mailed` is false past the
 * day's bound of join mails from the organisation to the account: the offer is recorded, not mailed.
 */
export class MembershipOffered extends DomainEvent<{ membershipInvitationId: string; userId: string; role: MemberRole; mailed: boolean }> {
  static override readonly type = 'MembershipOffered';
}

/** The owner accepted: the membership exists now, and a seat held for them (`seatInvitationId`) is theirs to take. */
export class MembershipOfferAccepted extends DomainEvent<{
  membershipInvitationId: string;
  userId: string;
  role: MemberRole;
  seatInvitationId: string | null;
}> {
  static override readonly type = 'MembershipOfferAccepted';
}
