import { DomainEvent } from '@tessera/events';

export class ParticipantAdded extends DomainEvent<{ participantId: string; contractId: string }> {
  static override readonly type = 'ParticipantAdded';
}

export class ParticipantChanged extends DomainEvent<{ participantId: string }> {
  static override readonly type = 'ParticipantChanged';
}

export class ParticipantRemoved extends DomainEvent<{ participantId: string; codeId: string | null }> {
  static override readonly type = 'ParticipantRemoved';
}
