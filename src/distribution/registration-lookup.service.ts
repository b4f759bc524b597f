import { Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import { ContractsService } from '../contracts/contracts.service';
import { ParticipantsService } from '../contracts/participants.service';
import { RateLimiter } from '../identity/rate-limiter.service';
import { CodesService } from '../inventory/codes.service';
import { CodeUnusableReason, unusableReason } from '../access/code-usability';
import { RegistrationCodeInfo } from './dto/registration-code.dto';

/** Look-ups per client address and minute: enough for people typing, too few for guessing. */
const LOOKUPS_PER_MINUTE = 30;

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
    const [contract] = code?.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    const reason = unusableReason(code, contract ?? null);
    if (reason || !code) return unusable(reason ?? CodeUnusableReason.NOT_FOUND);
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
