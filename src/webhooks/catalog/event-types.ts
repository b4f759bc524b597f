import type { PublicWebhookEvent } from './public-event';
import type {
  PublicAccessGrant,
  PublicCode,
  PublicCodeBatch,
  PublicCodeSend,
  PublicInvitation,
  PublicMembership,
  PublicMessage,
  PublicOrder,
  PublicParticipantImport,
  PublicPeopleImport,
  PublicUser,
} from './public-objects';

/** One public event type: what it means and what its body looks like. */
export interface WebhookEventTypeInfo {
  type: string;
  /** Bumped only by a change that is not additive (none so far). */
  version: number;
  description: string;
  example: PublicWebhookEvent;
}

// The examples' objects: made-up ids and dates, every field present, as a delivery has them.
const ORG = '01900000-0000-7000-8000-00000000a001';
const AT = '2026-03-02T09:30:00.000Z';
const user: PublicUser = { id: '01900000-0000-7000-8000-00000000b001', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };
const code: PublicCode = {
  id: '01900000-0000-7000-8000-00000000c001',
  organizationId: ORG,
  batchId: '01900000-0000-7000-8000-00000000d001',
  code: 'MEN7K2QX9PLM',
  displayCode: 'MEN-7K2Q-X9PL-M',
  status: 'REDEEMED',
  contractId: null,
  priceId: '01900000-0000-7000-8000-00000000e001',
  codeType: 'MENTEE',
  expiresAt: null,
  lastSentToEmail: 'ada@example.com',
  lastSentToName: 'Ada Lovelace',
  lastSentAt: '2026-03-01T15:00:00.000Z',
  createdAt: '2026-02-20T08:00:00.000Z',
  updatedAt: AT,
};
const accessGrant: PublicAccessGrant = {
  id: '01900000-0000-7000-8000-00000000f001',
  organizationId: ORG,
  userId: user.id,
  codeId: code.id,
  productId: '01900000-0000-7000-8000-0000000010a1',
  priceId: code.priceId,
  role: 'MENTEE',
  status: 'ACTIVE',
  startsAt: AT,
  endsAt: '2027-03-02T09:30:00.000Z',
  revokedAt: null,
  createdAt: AT,
  updatedAt: AT,
};
const invitation: PublicInvitation = {
  id: '01900000-0000-7000-8000-0000000011a1',
  organizationId: ORG,
  codeId: code.id,
  email: 'ada@example.com',
  status: 'PENDING',
  expiresAt: '2026-03-16T09:30:00.000Z',
  invitedByUserId: '01900000-0000-7000-8000-0000000012a1',
  acceptedByUserId: null,
  closedAt: null,
  lastSentAt: AT,
  createdAt: AT,
  updatedAt: AT,
};
const batch: PublicCodeBatch = {
  id: code.batchId,
  organizationId: ORG,
  source: 'GENERATED',
  status: 'COMPLETED',
  requestedQuantity: 500,
  createdCount: 500,
  contractId: null,
  priceId: code.priceId,
  orderId: null,
  codeType: 'MENTEE',
  expiresAt: null,
  prefix: 'MEN',
  width: 9,
  checkCharacter: true,
  createdAt: AT,
  completedAt: AT,
};
const codeSend: PublicCodeSend = {
  id: '01900000-0000-7000-8000-0000000013a1',
  codeId: code.id,
  recipientUserId: user.id,
  recipientEmail: user.email,
  recipientName: 'Ada Lovelace',
  sentByUserId: invitation.invitedByUserId,
  messageId: '01900000-0000-7000-8000-0000000014a1',
  createdAt: AT,
};
const order: PublicOrder = {
  id: '01900000-0000-7000-8000-0000000015a1',
  organizationId: ORG,
  externalReference: 'SHOP-10042',
  priceId: '01900000-0000-7000-8000-00000000e001',
  quantity: 25,
  placedAt: '2026-03-02T09:29:12.000Z',
  createdAt: AT,
};
const membership: PublicMembership = { id: '01900000-0000-7000-8000-0000000016a1', organizationId: ORG, userId: user.id, role: 'MEMBER' };
const peopleImport: PublicPeopleImport = {
  id: '01900000-0000-7000-8000-0000000017a1',
  organizationId: ORG,
  purpose: 'ASSIGN_SEATS',
  priceId: '01900000-0000-7000-8000-00000000e001',
  status: 'COMPLETED',
  fileName: 'people.csv',
  rowCount: 40,
  createdAt: '2026-03-02T09:20:00.000Z',
  completedAt: AT,
};
const participantImport: PublicParticipantImport = {
  id: '01900000-0000-7000-8000-0000000018a1',
  organizationId: ORG,
  contractId: '01900000-0000-7000-8000-0000000019a1',
  status: 'COMPLETED',
  fileName: 'participants.csv',
  rowCount: 120,
  assignmentCount: 118,
  width: 8,
  checkCharacter: false,
  createdAt: '2026-03-02T09:20:00.000Z',
  completedAt: AT,
};
const message: PublicMessage = {
  id: '01900000-0000-7000-8000-0000000014a1',
  organizationId: ORG,
  kind: 'CODE_SENT',
  recipient: 'ada@example.com',
  status: 'FAILED',
  attempts: 1,
  lastError: '550 5.1.1 Mailbox does not exist',
  codeId: code.id,
  invitationId: null,
  grantId: null,
  createdAt: AT,
};

function example(id: string, type: string, data: Record<string, unknown>): PublicWebhookEvent {
  return { id: `01900000-0000-7000-8000-${id}`, type, occurredAt: AT, organizationId: ORG, data };
}

/**
 * Every public event type, in the order docs/webhooks.md lists them. An endpoint subscribes to
 * these names; the examples are the documented contract (the e2e spec checks real events against
 * their shape).
 */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventTypeInfo[] = [
  {
    type: 'code.redeemed',
    version: 1,
    description:
      'A code was used: typed in, given directly by an admin, or taken by accepting an invitation (see channel). Its access grant is in access.granted.',
    example: example('000000000101', 'code.redeemed', { code, accessGrant, user, channel: 'CODE' }),
  },
  {
    type: 'access.granted',
    version: 1,
    description: 'A person got access to a product by redeeming a code.',
    example: example('000000000102', 'access.granted', { accessGrant, code, user }),
  },
  {
    type: 'access.revoked',
    version: 1,
    description: "An admin removed a person's access; codeReleased tells whether the code went back to the pool.",
    example: example('000000000103', 'access.revoked', {
      accessGrant: { ...accessGrant, status: 'REVOKED', revokedAt: AT },
      code: { ...code, status: 'AVAILABLE' },
      user,
      reason: 'Left the programme',
      codeReleased: true,
    }),
  },
  {
    type: 'access.extended',
    version: 1,
    description: "An admin changed the end date of a person's access (previousEndsAt was the end before).",
    example: example('000000000104', 'access.extended', { accessGrant, user, previousEndsAt: '2026-09-02T09:30:00.000Z' }),
  },
  {
    type: 'access.expired',
    version: 1,
    description: 'Access ended on its end date (one event per access grant).',
    example: example('000000000105', 'access.expired', { accessGrant: { ...accessGrant, status: 'EXPIRED' }, user }),
  },
  {
    type: 'invitation.sent',
    version: 1,
    description: 'An invitation to take a seat was made, or mailed again (resent). The link itself is never in the event.',
    example: example('000000000106', 'invitation.sent', { invitation, resent: false }),
  },
  {
    type: 'invitation.accepted',
    version: 1,
    description: 'The invited person took the seat. Other invitations for the same seat follow as invitation.invalidated.',
    example: example('000000000107', 'invitation.accepted', {
      invitation: { ...invitation, status: 'ACCEPTED', acceptedByUserId: user.id, closedAt: AT },
      accessGrant,
      user,
    }),
  },
  {
    type: 'invitation.invalidated',
    version: 1,
    description: 'Someone else took the seat first (another invitation, or an admin gave it directly): this invitation no longer works.',
    example: example('000000000108', 'invitation.invalidated', { invitation: { ...invitation, status: 'INVALIDATED', closedAt: AT } }),
  },
  {
    type: 'invitation.expired',
    version: 1,
    description: 'An invitation was not accepted in time; seatReleased tells whether its seat is free again.',
    example: example('000000000109', 'invitation.expired', {
      invitation: { ...invitation, status: 'EXPIRED', closedAt: AT },
      seatReleased: true,
    }),
  },
  {
    type: 'code.sent',
    version: 1,
    description: 'A code was e-mailed to a member. The message text and the admin comment are not in the event.',
    example: example('000000000110', 'code.sent', { code: { ...code, status: 'AVAILABLE' }, codeSend, recipient: user }),
  },
  {
    type: 'codes.generated',
    version: 1,
    description: 'A batch of generated codes is complete (by an admin, for an order, or for participants: see batch.source).',
    example: example('000000000111', 'codes.generated', { batch }),
  },
  {
    type: 'codes.imported',
    version: 1,
    description: 'A batch of imported codes is complete.',
    example: example('000000000112', 'codes.imported', {
      batch: { ...batch, source: 'IMPORTED', prefix: null, width: null, checkCharacter: false, requestedQuantity: 120, createdCount: 118 },
    }),
  },
  {
    type: 'people_import.completed',
    version: 1,
    description: 'An uploaded file of people was carried out: every row has its seat or invitation.',
    example: example('000000000113', 'people_import.completed', { peopleImport }),
  },
  {
    type: 'participant_import.completed',
    version: 1,
    description: "An uploaded participants file was carried out: the contract's participants have their codes.",
    example: example('000000000114', 'participant_import.completed', { participantImport }),
  },
  {
    type: 'order.recorded',
    version: 1,
    description: 'A storefront reported an order of seats; generatesCodes tells whether one code per seat was made.',
    example: example('000000000115', 'order.recorded', { order, generatesCodes: true }),
  },
  {
    type: 'member.added',
    version: 1,
    description: 'A person was connected to the organisation.',
    example: example('000000000116', 'member.added', { membership, user }),
  },
  {
    type: 'member.removed',
    version: 1,
    description: 'A person was removed from the organisation.',
    example: example('000000000117', 'member.removed', { membership, user }),
  },
  {
    type: 'message.failed',
    version: 1,
    description: 'An e-mail could not be delivered and will not be tried again (unless an admin resends it). Its text is not in the event.',
    example: example('000000000118', 'message.failed', { message }),
  },
  {
    type: 'webhook.test',
    version: 1,
    description: 'Sent on request (sendTestWebhook) to check that an endpoint receives and verifies deliveries.',
    example: example('000000000119', 'webhook.test', { webhookEndpointId: '01900000-0000-7000-8000-0000000020a1' }),
  },
];

/** The public type names, for checking an endpoint's subscription. */
export const WEBHOOK_EVENT_TYPE_NAMES: readonly string[] = WEBHOOK_EVENT_TYPES.map((entry) => entry.type);

/** The catalog entry of a type (undefined for an unknown one). */
export function webhookEventType(type: string): WebhookEventTypeInfo | undefined {
  return WEBHOOK_EVENT_TYPES.find((entry) => entry.type === type);
}
