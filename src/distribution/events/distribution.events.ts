import { DomainEvent } from '@tessera/events';

/** Participants of a contract were given their own codes (one, or a whole file's worth). */
export class ParticipantCodesAssigned extends DomainEvent<{ contractId: string; count: number; importId?: string }> {
  static override readonly type = 'ParticipantCodesAssigned';
}
