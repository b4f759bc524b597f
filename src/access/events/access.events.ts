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
