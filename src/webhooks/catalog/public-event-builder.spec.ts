import type { OutboxEvent } from '@tessera/events';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS, webhookTestEvent } from './public-event-builder';
import { derivedEventId } from './public-event-id';
import type { PublicObjectReader } from './public-object-reader';

const ORG = '01900000-0000-7000-8000-0000000000a1';
const EVENT_ID = '01900000-0000-7000-8000-0000000000e1';
const AT = new Date('2026-03-02T09:30:00.000Z');

type Reader = Record<keyof PublicObjectReader, jest.Mock>;

/** A reader whose every kind finds `{ id, kind }` for each id it is asked for, except the ids in `gone`. */
function stubReader(rows: Record<string, Record<string, unknown>> = {}, gone: string[] = []): Reader {
  const kinds = [
    'users',
    'codes',
    'accessGrants',
    'invitations',
    'batches',
    'codeSends',
    'orders',
    'peopleImports',
    'participantImports',
    'messages',
  ];
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      jest.fn((ids: string[]) =>
        Promise.resolve(new Map(ids.filter((id) => !gone.includes(id)).map((id) => [id, { id, kind, ...rows[id] }]))),
      ),
    ]),
  ) as unknown as Reader;
}

function event(type: string, payload: object, extra: Partial<OutboxEvent> = {}): OutboxEvent {
  return { id: EVENT_ID, type, organizationId: ORG, actorId: null, payload, occurredAt: AT, ...extra };
}

function builder(reader: Reader): PublicEventBuilder {
  return new PublicEventBuilder(reader as unknown as PublicObjectReader);
}

describe('derivedEventId', () => {
  it('is a version-8 UUID, the same for the same inputs and different for another type or subject', () => {
    const id = derivedEventId(EVENT_ID, 'access.granted', 'g1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId(EVENT_ID, 'access.granted', 'g1')).toBe(id);
    expect(derivedEventId(EVENT_ID, 'access.expired', 'g1')).not.toBe(id);
    expect(derivedEventId(EVENT_ID, 'access.granted', 'g2')).not.toBe(id);
  });
});

describe('PublicEventBuilder', () => {
  it('maps CodeRedeemed to code.redeemed (the event id) and access.granted (a derived id), reading each kind once', async () => {
    const reader = stubReader({ g1: { userId: 'u1' } });
    const built = await builder(reader).build(
      event('CodeRedeemed', {
        codeId: 'c1',
        grantId: 'g1',
        userId: 'u1',
        productId: 'p1',
        priceId: 'pr1',
        channel: 'CODE',
        invitationId: null,
      }),
    );
    expect(built.map((e) => [e.type, e.id])).toEqual([
      ['code.redeemed', EVENT_ID],
      ['access.granted', derivedEventId(EVENT_ID, 'access.granted', 'g1')],
    ]);
    expect(built[0]).toEqual({
      id: EVENT_ID,
      type: 'code.redeemed',
      occurredAt: '2026-03-02T09:30:00.000Z',
      organizationId: ORG,
      data: {
        code: { id: 'c1', kind: 'codes' },
        accessGrant: { id: 'g1', kind: 'accessGrants', userId: 'u1' },
        user: { id: 'u1', kind: 'users' },
        channel: 'CODE',
      },
    });
    expect(Object.keys(built[1].data)).toEqual(['accessGrant', 'code', 'user']);
    expect(reader.codes).toHaveBeenCalledTimes(1);
    expect(reader.accessGrants).toHaveBeenCalledTimes(1);
    expect(reader.users).toHaveBeenCalledTimes(1);
    expect(reader.invitations).not.toHaveBeenCalled();
  });

  it('gives the same ids and bodies when built again (what retries and redeliveries rely on)', async () => {
    const source = event('AccessExpired', { grantIds: ['g1', 'g2', 'g3'] }, { occurredAt: AT.toISOString() as unknown as Date });
    const reader = stubReader({ g1: { userId: 'u1' }, g2: { userId: 'u2' }, g3: { userId: 'u1' } });
    const first = await builder(reader).build(source);
    const again = await builder(reader).build(source);
    expect(again).toEqual(first);
    expect(new Set(first.map((e) => e.id)).size).toBe(3);
  });

  it('makes one access.expired per grant, with each grant’s person read in one query after the grants', async () => {
    const reader = stubReader({ g1: { userId: 'u1' }, g2: { userId: 'u2' } });
    const built = await builder(reader).build(event('AccessExpired', { grantIds: ['g1', 'g2'] }));
    expect(built.map((e) => [e.id, (e.data.user as { id: string }).id])).toEqual([
      [EVENT_ID, 'u1'],
      [derivedEventId(EVENT_ID, 'access.expired', 'g2'), 'u2'],
    ]);
    expect(reader.accessGrants).toHaveBeenCalledTimes(1);
    expect(reader.users).toHaveBeenCalledTimes(1);
    expect(reader.users).toHaveBeenCalledWith(['u1', 'u2']);
  });

  it('leaves out a public event whose subject is gone, keeps its id for the others, and nulls a gone secondary object', async () => {
    const reader = stubReader({ g2: { userId: 'u2' } }, ['g1', 'u2']);
    const built = await builder(reader).build(event('AccessExpired', { grantIds: ['g1', 'g2'] }));
    expect(built).toHaveLength(1);
    expect(built[0].id).toBe(derivedEventId(EVENT_ID, 'access.expired', 'g2'));
    expect(built[0].data.user).toBeNull();
  });

  it('makes one invitation.invalidated per invitation a taken seat closed', async () => {
    const built = await builder(stubReader()).build(event('InvitationsInvalidated', { invitationIds: ['i1', 'i2'], codeId: 'c1' }));
    expect(built.map((e) => e.type)).toEqual(['invitation.invalidated', 'invitation.invalidated']);
    expect(built.map((e) => (e.data.invitation as { id: string }).id)).toEqual(['i1', 'i2']);
  });

  it('tells per expired invitation whether its seat was released', async () => {
    const reader = stubReader({ i1: { codeId: 'c1' }, i2: { codeId: 'c2' } });
    const built = await builder(reader).build(event('InvitationsExpired', { invitationIds: ['i1', 'i2'], releasedCodeIds: ['c2'] }));
    expect(built.map((e) => [e.type, e.data.seatReleased])).toEqual([
      ['invitation.expired', false],
      ['invitation.expired', true],
    ]);
  });

  it.each([
    ['InvitationCreated', { invitationId: 'i1', codeId: 'c1', email: 'a@example.test' }, ['invitation.sent']],
    ['InvitationLinkRenewed', { invitationId: 'i1', resent: true }, ['invitation.sent']],
    ['InvitationLinkRenewed', { invitationId: 'i1', resent: false }, []],
    ['CodeBatchCompleted', { batchId: 'b1', source: 'GENERATED', count: 5 }, ['codes.generated']],
    ['CodeBatchCompleted', { batchId: 'b1', source: 'ORDER', count: 5 }, ['codes.generated']],
    ['CodeBatchCompleted', { batchId: 'b1', source: 'IMPORTED', count: 5 }, ['codes.imported']],
    ['ParticipantCodesAssigned', { contractId: 'k1', count: 3, importId: 'pi1' }, ['participant_import.completed']],
    ['ParticipantCodesAssigned', { contractId: 'k1', count: 1 }, []],
    ['PeopleImportCompleted', { importId: 'pe1', purpose: 'INVITE', rows: 3 }, ['people_import.completed']],
    ['OrderRecorded', { orderId: 'o1', priceId: 'pr1', quantity: 3, generatesCodes: true }, ['order.recorded']],
    ['MessageFailed', { messageId: 'm1', kind: 'CODE_SENT' }, ['message.failed']],
    ['AccessRevoked', { grantId: 'g1', codeId: 'c1', userId: 'u1', reason: null, codeReleased: true }, ['access.revoked']],
    ['AccessExtended', { grantId: 'g1', userId: 'u1', previousEndsAt: null, newEndsAt: AT.toISOString() }, ['access.extended']],
    ['InvitationAccepted', { invitationId: 'i1', codeId: 'c1', userId: 'u1', grantId: 'g1' }, ['invitation.accepted']],
    [
      'CodeSent',
      { codeId: 'c1', sendId: 's1', recipientUserId: 'u1', recipientEmail: 'x', previousRecipientEmail: null, messageId: null },
      ['code.sent'],
    ],
    ['ProductCreated', { productId: 'p1', name: 'x', ownerOrganizationId: null }, []],
  ])('maps %s %j to %j', async (type, payload, types) => {
    const built = await builder(stubReader()).build(event(type, payload));
    expect(built.map((e) => e.type)).toEqual(types);
    for (const made of built) expect(WEBHOOK_EVENT_TYPES.map((entry) => entry.type)).toContain(made.type);
  });

  it('takes the membership from the event (a removed one has no row) and the person from the database', async () => {
    const reader = stubReader();
    const [removed] = await builder(reader).build(event('MemberRemoved', { membershipId: 'ms1', userId: 'u1', role: 'MEMBER' }));
    expect(removed.data).toEqual({
      membership: { id: 'ms1', organizationId: ORG, userId: 'u1', role: 'MEMBER' },
      user: { id: 'u1', kind: 'users' },
    });
    const [older] = await builder(reader).build(event('MemberRemoved', { membershipId: 'ms1', userId: 'u1' }));
    expect((older.data.membership as { role: unknown }).role).toBeNull();
  });

  it('lists each type and each source event once, every example of its own type', async () => {
    const catalog = new Set(WEBHOOK_EVENT_TYPES.map((entry) => entry.type));
    expect(catalog.size).toBe(WEBHOOK_EVENT_TYPES.length);
    const sourceTypes = WEBHOOK_SOURCE_EVENTS.map((source) => source.type);
    expect(new Set(sourceTypes).size).toBe(sourceTypes.length);
    for (const entry of WEBHOOK_EVENT_TYPES) {
      expect(entry.example.type).toBe(entry.type);
      expect(entry.version).toBe(1);
    }
    expect(catalog.has(webhookTestEvent({ organizationId: ORG, webhookEndpointId: 'w1' }).type)).toBe(true);
  });
});
