/**
 * The objects a public event carries, with the fields integrators may rely on. Each is a subset of
 * the GraphQL type of the same name, with the same field names; dates are ISO strings. What is
 * left out is left out on purpose: secrets (token hashes, links, passwords, sealed data), message
 * texts and admins' notes.
 */

export interface PublicUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface PublicCode {
  id: string;
  organizationId: string;
  batchId: string;
  /** Canonical form (upper case, no spaces or hyphens). */
  code: string;
  /** As people read it: prefix, then groups of four joined by hyphens. */
  displayCode: string;
  status: string;
  contractId: string | null;
  priceId: string | null;
  codeType: string | null;
  expiresAt: string | null;
  lastSentToEmail: string | null;
  lastSentToName: string | null;
  lastSentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PublicAccessGrant {
  id: string;
  organizationId: string;
  userId: string;
  codeId: string;
  productId: string | null;
  priceId: string | null;
  role: string | null;
  status: string;
  startsAt: string;
  endsAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PublicInvitation {
  id: string;
  organizationId: string;
  codeId: string;
  email: string;
  status: string;
  expiresAt: string;
  invitedByUserId: string | null;
  acceptedByUserId: string | null;
  closedAt: string | null;
  lastSentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PublicCodeBatch {
  id: string;
  organizationId: string;
  source: string;
  status: string;
  requestedQuantity: number;
  createdCount: number;
  contractId: string | null;
  priceId: string | null;
  orderId: string | null;
  codeType: string | null;
  expiresAt: string | null;
  prefix: string | null;
  width: number | null;
  checkCharacter: boolean;
  createdAt: string;
  completedAt: string | null;
}

export interface PublicCodeSend {
  id: string;
  codeId: string;
  recipientUserId: string | null;
  recipientEmail: string;
  recipientName: string;
  sentByUserId: string | null;
  messageId: string | null;
  createdAt: string;
}

export interface PublicOrder {
  id: string;
  organizationId: string;
  externalReference: string;
  priceId: string;
  quantity: number;
  placedAt: string;
  createdAt: string;
}

export interface PublicMembership {
  id: string;
  organizationId: string;
  userId: string;
  role: string | null;
}

export interface PublicPeopleImport {
  id: string;
  organizationId: string;
  purpose: string;
  priceId: string;
  status: string;
  fileName: string;
  rowCount: number;
  createdAt: string;
  completedAt: string | null;
}

export interface PublicParticipantImport {
  id: string;
  organizationId: string;
  contractId: string;
  status: string;
  fileName: string;
  rowCount: number;
  assignmentCount: number;
  width: number;
  checkCharacter: boolean;
  createdAt: string;
  completedAt: string | null;
}

export interface PublicMessage {
  id: string;
  organizationId: string | null;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
  codeId: string | null;
  invitationId: string | null;
  grantId: string | null;
  createdAt: string;
}
