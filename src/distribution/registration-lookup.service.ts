import { Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import { ContractsService } from '../contracts/contracts.service';
import { ContractStatus } from '../contracts/entities/contract.entity';
import { ParticipantsService } from '../contracts/participants.service';
import { RateLimiter } from '../identity/rate-limiter.service';
import { CodesService } from '../inventory/codes.service';
import { CodeStatus } from '../inventory/entities/code.entity';
import { CodeUnusableReason, RegistrationCodeInfo } from './dto/registration-code.dto';

/** Look-ups per client address and minute: enough for people typing, too few for guessing. */
const LOOKUPS_PER_MINUTE = 30;

const STATUS_REASON: Partial<Record<CodeStatus, CodeUnusableReason>> = {
  [CodeStatus.REDEEMED]: CodeUnusableReason.REDEEMED,
  [CodeStatus.VOID]: CodeUnusableReason.VOID,
  [CodeStatus.PENDING]: CodeUnusableReason.HELD_BY_INVITATION,
};

/** Before registering, anyone may ask what a code is good for; rate-limited per client. */
@Injectable()
export class RegistrationLookupService {
  constructor(
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly participants: ParticipantsService,
    private readonly limiter: RateLimiter,
  ) {}

  async lookUp(typed: string, clientAddress: string): Promise<RegistrationCodeInfo> {
    await this.limiter.consume({ key: `code-lookup:client:${clientAddress}`, max: LOOKUPS_PER_MINUTE, windowSeconds: 60 }, 1);
    const canonical = normalizeCode(typed);
    const unusable = (reason: CodeUnusableReason): RegistrationCodeInfo => ({
      code: canonical,
      usable: false,
      reason,
      product: null,
      price: null,
      participant: null,
    });
    const code = canonical ? await this.codes.findByValue(canonical) : null;
    if (!code) return unusable(CodeUnusableReason.NOT_FOUND);
    const byStatus = STATUS_REASON[code.status];
    if (byStatus) return unusable(byStatus);
    if (code.expiresAt && code.expiresAt <= new Date()) return unusable(CodeUnusableReason.EXPIRED);
    if (code.contractId) {
      const [contract] = await this.contracts.findContractsByIds([code.contractId]);
      const now = new Date();
      const open =
        contract?.status === ContractStatus.ACTIVE &&
        (!contract.startsAt || contract.startsAt <= now) &&
        (!contract.endsAt || contract.endsAt > now);
      if (!open) return unusable(CodeUnusableReason.CONTRACT_NOT_ACTIVE);
    }
    const [price] = code.priceId ? await this.contracts.findPricesByIds([code.priceId]) : [];
    const [product] = price ? await this.contracts.findProductsByIds([price.productId]) : [];
    const participant = await this.participants.findByCodeId(code.id);
    return {
      code: canonical,
      usable: true,
      reason: null,
      product: product ? { name: product.name, description: product.description } : null,
      price: price ? { name: price.name, accessDays: price.accessDays } : null,
      participant: participant
        ? {
            firstName: participant.firstName,
            lastName: participant.lastName,
            email: participant.email,
            phone: participant.phone,
            dateOfBirth: participant.dateOfBirth,
          }
        : null,
    };
  }
}
