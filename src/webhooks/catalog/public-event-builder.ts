import { Injectable } from '@nestjs/common';
import { newId } from '@tessera/common';
import type { EventClass, OutboxEvent } from '@tessera/events';
import { AccessExpired, AccessExtended, AccessRevoked, CodeRedeemed } from '../../access/events/access.events';
import { OrderRecorded } from '../../contracts/events/order.events';
import { CodeSent, ParticipantCodesAssigned } from '../../distribution/events/distribution.events';
import { PeopleImportCompleted } from '../../distribution/people-import.service';
import { MemberAdded, MemberRemoved } from '../../identity/events/identity.events';
import { BatchSource } from '../../inventory/entities/code-batch.entity';
import { CodeBatchCompleted } from '../../inventory/events/inventory.events';
import {
  InvitationAccepted,
  InvitationCreated,
  InvitationLinkRenewed,
  InvitationsExpired,
  InvitationsInvalidated,
} from '../../invitations/events/invitation.events';
import { MessageFailed } from '../../notifications/events/notification.events';
import type { PublicWebhookEvent } from './public-event';
import { derivedEventId } from './public-event-id';
import { PublicObjectReader, type ById } from './public-object-reader';
import type { PublicInvitation, PublicMembership } from './public-objects';

/** The internal events that produce public ones: the fan-out subscribes to exactly these. */
export const WEBHOOK_SOURCE_EVENTS: EventClass[] = [
  CodeRedeemed,
  AccessRevoked,
  AccessExtended,
  AccessExpired,
  InvitationCreated,
  InvitationLinkRenewed,
  InvitationAccepted,
  InvitationsInvalidated,
  InvitationsExpired,
  CodeSent,
  CodeBatchCompleted,
  PeopleImportCompleted,
  ParticipantCodesAssigned,
  OrderRecorded,
  MemberAdded,
  MemberRemoved,
  MessageFailed,
];

/** The kinds of object the reader loads, one query each. */
type Kind = Exclude<keyof PublicObjectReader, 'dataSource'>;

/**
 * One field of a public event's data: an object read by id (`required`: without it there is no
 * event, e.g. its subject was deleted meanwhile; otherwise null when gone), an object whose id is a
 * field of another (`via`), a value known from the internal event, or one worked out from the rest.
 */
type Entry =
  | { key: string; kind: Kind; id: string | null; required?: boolean }
  | { key: string; kind: Kind; via: { key: string; field: string } }
  | { key: string; value: unknown }
  | { key: string; compute: (data: Record<string, unknown>) => unknown };

/** A public event to be made: its type, what it is about (for its id) and its data. */
interface Plan {
  type: string;
  subjectId: string;
  entries: Entry[];
}

type Planner = (event: OutboxEvent) => Plan[];

const payloadOf = <E extends { payload: object }>(event: OutboxEvent) => event.payload as E['payload'];

const membership = (event: OutboxEvent, payload: { membershipId: string; userId: string; role?: string }): PublicMembership => ({
  id: payload.membershipId,
  organizationId: event.organizationId!,
  userId: payload.userId,
  role: payload.role ?? null,
});

/** Internal event type → the public events it yields, in order (the first one takes the event's id). */
const PLANNERS: Record<string, Planner> = {
  [CodeRedeemed.type]: (event) => {
    const p = payloadOf<CodeRedeemed>(event);
    const code = { key: 'code', kind: 'codes', id: p.codeId, required: true } as const;
    const grant = { key: 'accessGrant', kind: 'accessGrants', id: p.grantId, required: true } as const;
    const user = { key: 'user', kind: 'users', id: p.userId } as const;
    return [
      { type: 'code.redeemed', subjectId: p.codeId, entries: [code, grant, user, { key: 'channel', value: p.channel }] },
      { type: 'access.granted', subjectId: p.grantId, entries: [grant, code, user] },
    ];
  },
  [AccessRevoked.type]: (event) => {
    const p = payloadOf<AccessRevoked>(event);
    return [
      {
        type: 'access.revoked',
        subjectId: p.grantId,
        entries: [
          { key: 'accessGrant', kind: 'accessGrants', id: p.grantId, required: true },
          { key: 'code', kind: 'codes', id: p.codeId },
          { key: 'user', kind: 'users', id: p.userId },
          { key: 'reason', value: p.reason },
          { key: 'codeReleased', value: p.codeReleased },
        ],
      },
    ];
  },
  [AccessExtended.type]: (event) => {
    const p = payloadOf<AccessExtended>(event);
    return [
      {
        type: 'access.extended',
        subjectId: p.grantId,
        entries: [
          { key: 'accessGrant', kind: 'accessGrants', id: p.grantId, required: true },
          { key: 'user', kind: 'users', id: p.userId },
          { key: 'previousEndsAt', value: p.previousEndsAt },
        ],
      },
    ];
  },
  [AccessExpired.type]: (event) =>
    payloadOf<AccessExpired>(event).grantIds.map((grantId) => ({
      type: 'access.expired',
      subjectId: grantId,
      entries: [
        { key: 'accessGrant', kind: 'accessGrants', id: grantId, required: true },
        { key: 'user', kind: 'users', via: { key: 'accessGrant', field: 'userId' } },
      ],
    })),
  [InvitationCreated.type]: (event) => {
    const p = payloadOf<InvitationCreated>(event);
    return [invitationSent(p.invitationId, false)];
  },
  [InvitationLinkRenewed.type]: (event) => {
    const p = payloadOf<InvitationLinkRenewed>(event);
    // A link copied by hand is not a sending: only a re-sent mail is public.
    return p.resent ? [invitationSent(p.invitationId, true)] : [];
  },
  [InvitationAccepted.type]: (event) => {
    const p = payloadOf<InvitationAccepted>(event);
    return [
      {
        type: 'invitation.accepted',
        subjectId: p.invitationId,
        entries: [
          { key: 'invitation', kind: 'invitations', id: p.invitationId, required: true },
          { key: 'accessGrant', kind: 'accessGrants', id: p.grantId },
          { key: 'user', kind: 'users', id: p.userId },
        ],
      },
    ];
  },
  [InvitationsInvalidated.type]: (event) =>
    payloadOf<InvitationsInvalidated>(event).invitationIds.map((invitationId) => ({
      type: 'invitation.invalidated',
      subjectId: invitationId,
      entries: [{ key: 'invitation', kind: 'invitations', id: invitationId, required: true }],
    })),
  [InvitationsExpired.type]: (event) => {
    const p = payloadOf<InvitationsExpired>(event);
    const released = new Set(p.releasedCodeIds);
    return p.invitationIds.map((invitationId) => ({
      type: 'invitation.expired',
      subjectId: invitationId,
      entries: [
        { key: 'invitation', kind: 'invitations', id: invitationId, required: true },
        { key: 'seatReleased', compute: (data) => released.has((data.invitation as PublicInvitation).codeId) },
      ],
    }));
  },
  [CodeSent.type]: (event) => {
    const p = payloadOf<CodeSent>(event);
    return [
      {
        type: 'code.sent',
        subjectId: p.codeId,
        entries: [
          { key: 'code', kind: 'codes', id: p.codeId, required: true },
          { key: 'codeSend', kind: 'codeSends', id: p.sendId, required: true },
          { key: 'recipient', kind: 'users', id: p.recipientUserId },
        ],
      },
    ];
  },
  [CodeBatchCompleted.type]: (event) => {
    const p = payloadOf<CodeBatchCompleted>(event);
    const type = p.source === BatchSource.IMPORTED ? 'codes.imported' : 'codes.generated';
    return [{ type, subjectId: p.batchId, entries: [{ key: 'batch', kind: 'batches', id: p.batchId, required: true }] }];
  },
  [PeopleImportCompleted.type]: (event) => {
    const p = payloadOf<PeopleImportCompleted>(event);
    return [
      {
        type: 'people_import.completed',
        subjectId: p.importId,
        entries: [{ key: 'peopleImport', kind: 'peopleImports', id: p.importId, required: true }],
      },
    ];
  },
  [ParticipantCodesAssigned.type]: (event) => {
    const p = payloadOf<ParticipantCodesAssigned>(event);
    // Only a completed file is public; a single participant's code shows as codes.generated.
    if (!p.importId) return [];
    return [
      {
        type: 'participant_import.completed',
        subjectId: p.importId,
        entries: [{ key: 'participantImport', kind: 'participantImports', id: p.importId, required: true }],
      },
    ];
  },
  [OrderRecorded.type]: (event) => {
    const p = payloadOf<OrderRecorded>(event);
    return [
      {
        type: 'order.recorded',
        subjectId: p.orderId,
        entries: [
          { key: 'order', kind: 'orders', id: p.orderId, required: true },
          { key: 'generatesCodes', value: p.generatesCodes },
        ],
      },
    ];
  },
  [MemberAdded.type]: (event) => {
    const p = payloadOf<MemberAdded>(event);
    return [memberEvent('member.added', membership(event, p))];
  },
  [MemberRemoved.type]: (event) => {
    const p = payloadOf<MemberRemoved>(event);
    return [memberEvent('member.removed', membership(event, p))];
  },
  [MessageFailed.type]: (event) => {
    const p = payloadOf<MessageFailed>(event);
    return [
      { type: 'message.failed', subjectId: p.messageId, entries: [{ key: 'message', kind: 'messages', id: p.messageId, required: true }] },
    ];
  },
};

function invitationSent(invitationId: string, resent: boolean): Plan {
  return {
    type: 'invitation.sent',
    subjectId: invitationId,
    entries: [
      { key: 'invitation', kind: 'invitations', id: invitationId, required: true },
      { key: 'resent', value: resent },
    ],
  };
}

/** The membership comes from the event: once removed, its row is gone. */
function memberEvent(type: string, member: PublicMembership): Plan {
  return {
    type,
    subjectId: member.id,
    entries: [
      { key: 'membership', value: member },
      { key: 'user', kind: 'users', id: member.userId },
    ],
  };
}

/**
 * Turns a committed internal event into the public events integrators receive (see
 * docs/webhooks.md). The objects are read when it runs, after the commit, one query per kind of
 * object; the fan-out stores what it returns, so every retry of a delivery sends the same body.
 * The first public event of an internal event takes its id; the others get `derivedEventId`s.
 */
@Injectable()
export class PublicEventBuilder {
  constructor(private readonly reader: PublicObjectReader) {}

  async build(event: OutboxEvent): Promise<PublicWebhookEvent[]> {
    const plans = PLANNERS[event.type]?.(event) ?? [];
    if (!plans.length) return [];
    const found = await this.readAll(
      plans.flatMap((plan) => plan.entries.flatMap((e) => ('id' in e && e.id ? [[e.kind, e.id] as const] : []))),
    );
    // Objects named by a field of another (a grant's person) once those are known.
    const firstPass = plans.map((plan) => this.fill(plan, found));
    const second = await this.readAll(
      plans.flatMap((plan, i) =>
        plan.entries.flatMap((e) => {
          const id = 'via' in e ? viaId(firstPass[i], e.via) : null;
          return 'via' in e && id ? [[e.kind, id] as const] : [];
        }),
      ),
    );
    const occurredAt = new Date(event.occurredAt).toISOString();
    return plans.flatMap((plan, i) => {
      const data = firstPass[i];
      if (!data) return [];
      for (const entry of plan.entries) {
        if ('via' in entry) {
          const id = viaId(data, entry.via);
          data[entry.key] = (id && second.get(entry.kind)?.get(id)) ?? null;
        } else if ('compute' in entry) data[entry.key] = entry.compute(data);
      }
      const id = i === 0 ? event.id : derivedEventId(event.id, plan.type, plan.subjectId);
      return [{ id, type: plan.type, occurredAt, organizationId: event.organizationId, data }];
    });
  }

  /** The data of a plan as far as the first read goes (keys in the plan's order); null when a required object is gone. */
  private fill(plan: Plan, found: Map<Kind, ById<unknown>>): Record<string, unknown> | null {
    const data: Record<string, unknown> = {};
    for (const entry of plan.entries) {
      if ('value' in entry) data[entry.key] = entry.value;
      else if ('id' in entry) {
        const object = (entry.id && found.get(entry.kind)?.get(entry.id)) ?? null;
        if (!object && entry.required) return null;
        data[entry.key] = object;
      } else data[entry.key] = null; // filled in later; the key keeps its place
    }
    return data;
  }

  /** One query per kind of object. */
  private async readAll(wanted: (readonly [Kind, string])[]): Promise<Map<Kind, ById<unknown>>> {
    const byKind = new Map<Kind, string[]>();
    for (const [kind, id] of wanted) byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
    const read = await Promise.all([...byKind].map(async ([kind, ids]) => [kind, await this.reader[kind](ids)] as const));
    return new Map<Kind, ById<unknown>>(read);
  }
}

function viaId(data: Record<string, unknown> | null, via: { key: string; field: string }): string | null {
  const source = data?.[via.key] as Record<string, unknown> | null | undefined;
  const id = source?.[via.field];
  return typeof id === 'string' ? id : null;
}

/** The body of a `webhook.test` event (sendTestWebhook): the endpoint it was sent to, nothing else. */
export function webhookTestEvent(input: {
  organizationId: string | null;
  webhookEndpointId: string;
  id?: string;
  occurredAt?: Date;
}): PublicWebhookEvent {
  return {
    id: input.id ?? newId(),
    type: 'webhook.test',
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    organizationId: input.organizationId,
    data: { webhookEndpointId: input.webhookEndpointId },
  };
}
