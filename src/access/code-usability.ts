import { registerEnumType } from '@nestjs/graphql';
import { ConflictError, ErrorReason, NotFoundError } from '@tessera/common';
import { Contract, ContractStatus } from '../contracts/entities/contract.entity';
import { Code, CodeStatus } from '../inventory/entities/code.entity';

export enum CodeUnusableReason {
  NOT_FOUND = 'NOT_FOUND',
  REDEEMED = 'REDEEMED',
  VOID = 'VOID',
  EXPIRED = 'EXPIRED',
  HELD_BY_INVITATION = 'HELD_BY_INVITATION',
  CONTRACT_NOT_ACTIVE = 'CONTRACT_NOT_ACTIVE',
}

const EXPLANATION: Record<CodeUnusableReason, string> = {
  NOT_FOUND: 'No such code (check for typos).',
  REDEEMED: 'The code has been used.',
  VOID: 'The code was withdrawn.',
  EXPIRED: 'The code has expired.',
  HELD_BY_INVITATION: 'The code belongs to an invitation: use the invitation link instead.',
  CONTRACT_NOT_ACTIVE: 'The contract behind the code has not started, has ended or is archived.',
};

registerEnumType(CodeUnusableReason, {
  name: 'CodeUnusableReason',
  description: 'Why a code cannot be used to register.',
  valuesMap: Object.fromEntries(Object.entries(EXPLANATION).map(([reason, description]) => [reason, { description }])),
});

/** The `extensions.reason` of each: the same spelling, checked by the compiler for every value. */
export const UNUSABLE_CODE_ERROR_REASON = {
  NOT_FOUND: ErrorReason.NOT_FOUND,
  REDEEMED: ErrorReason.REDEEMED,
  VOID: ErrorReason.VOID,
  EXPIRED: ErrorReason.EXPIRED,
  HELD_BY_INVITATION: ErrorReason.HELD_BY_INVITATION,
  CONTRACT_NOT_ACTIVE: ErrorReason.CONTRACT_NOT_ACTIVE,
} as const satisfies Record<CodeUnusableReason, ErrorReason>;

const STATUS_REASON: Partial<Record<CodeStatus, CodeUnusableReason>> = {
  [CodeStatus.REDEEMED]: CodeUnusableReason.REDEEMED,
  [CodeStatus.VOID]: CodeUnusableReason.VOID,
  [CodeStatus.PENDING]: CodeUnusableReason.HELD_BY_INVITATION,
};

/**
 * Why a code cannot be redeemed now, or null when it can: its status, its expiry, and the dates of
 * the contract behind it. `allowPending` is for the invitation that holds the code.
 */
export function unusableReason(
  code: Code | null,
  contract: Contract | null,
  options: { now?: Date; allowPending?: boolean } = {},
): CodeUnusableReason | null {
  const now = options.now ?? new Date();
  if (!code) return CodeUnusableReason.NOT_FOUND;
  const byStatus = code.status === CodeStatus.PENDING && options.allowPending ? undefined : STATUS_REASON[code.status];
  if (byStatus) return byStatus;
  if (code.expiresAt && code.expiresAt <= now) return CodeUnusableReason.EXPIRED;
  if (code.contractId) {
    const open =
      contract?.status === ContractStatus.ACTIVE &&
      (!contract.startsAt || contract.startsAt <= now) &&
      (!contract.endsAt || contract.endsAt > now);
    if (!open) return CodeUnusableReason.CONTRACT_NOT_ACTIVE;
  }
  return null;
}

/**
 * The same rules as `unusableReason` as an SQL condition on the code row `alias` (statuses aside,
 * which the caller names), for the guarded UPDATE that takes a code: a code passes both or neither.
 */
export function usableCodeCondition(alias: string): string {
  return `(${alias}.expires_at IS NULL OR ${alias}.expires_at > now())
    AND (${alias}.contract_id IS NULL OR EXISTS (
      SELECT 1 FROM contract WHERE contract.id = ${alias}.contract_id AND contract.status = '${ContractStatus.ACTIVE}'
         AND (contract.starts_at IS NULL OR contract.starts_at <= now()) AND (contract.ends_at IS NULL OR contract.ends_at > now())))`;
}

/** The error for a code that cannot be redeemed: NOT_FOUND for a wrong code, CONFLICT otherwise, with the reason. */
export function codeUnusableError(reason: CodeUnusableReason, typed: string): Error {
  if (reason === CodeUnusableReason.NOT_FOUND) return new NotFoundError('Code', typed, UNUSABLE_CODE_ERROR_REASON[reason]);
  return new ConflictError(EXPLANATION[reason], { reason: UNUSABLE_CODE_ERROR_REASON[reason] });
}
