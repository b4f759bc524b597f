import { Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import { NotFoundError } from '@tessera/common';
import { ContractsService } from '../contracts/contracts.service';
import type { Participant } from '../contracts/entities/participant.entity';
import { ParticipantsService } from '../contracts/participants.service';
import type { Actor } from '../identity/auth/actor';
import { GuessingBudget } from '../identity/guessing-budget.service';
import { CodesService } from '../inventory/codes.service';
import { CodeUnusableReason, unusableReason } from '../access/code-usability';
import { RegistrationCodeInfo, RegistrationDetails } from './dto/registration-code.dto';

/**
 * Before registering, anyone may ask what a code is good for. The answer tells a live code from a
 * dead one, so it draws on the same guessing budget as redeemCode (a wrong code costs one guess,
 * a real one nothing), and it hands whoever holds the code no personal data: only what the form
 * needs to greet the participant and hint at the address to use.
 */
@Injectable()
export class RegistrationLookupService {
  constructor(
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly participants: ParticipantsService,
    private readonly budget: GuessingBudget,
  ) {}

  async lookUp(typed: string, actor: Actor | null, clientAddress: string): Promise<RegistrationCodeInfo> {
    const canonical = normalizeCode(typed);
    const unusable = (reason: CodeUnusableReason): RegistrationCodeInfo => ({
      code: canonical,
      usable: false,
      reason,
      product: null,
      price: null,
      participant: null,
    });
    try {
      // A miss is answered through NotFoundError so that the budget keeps the guess.
      return await this.budget.guarding({ actor, clientAddress }, 'LOOKUP', canonical, async () => {
        const code = canonical ? await this.codes.findByValue(canonical) : null;
        if (!code) throw new NotFoundError('Code', canonical);
        const [contract] = code.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
        const reason = unusableReason(code, contract ?? null);
        if (reason) return unusable(reason);
        const [price] = code.priceId ? await this.contracts.findPricesByIds([code.priceId]) : [];
        const [product] = price ? await this.contracts.findProductsByIds([price.productId]) : [];
        const participant = await this.participants.findByCodeId(code.id);
        return {
          code: canonical,
          usable: true,
          reason: null,
          product: product ? { name: product.name, description: product.description } : null,
          price: price ? { name: price.name, accessDays: price.accessDays } : null,
          participant: participant ? prefill(participant) : null,
        };
      });
    } catch (error) {
      if (error instanceof NotFoundError) return unusable(CodeUnusableReason.NOT_FOUND);
      throw error;
    }
  }
}

/**
 * What the form may show to whoever holds the code: the first name, and hints at the address and
 * phone the participant will recognise. The last name, full address, phone and date of birth stay
 * with the signed-in and admin paths.
 */
export function prefill(participant: Participant): RegistrationDetails {
  return {
    firstName: participant.firstName,
    emailHint: participant.email ? maskedEmail(participant.email) : null,
    phoneHint: participant.phone ? maskedPhone(participant.phone) : null,
  };
}

/** `ada.okafor@example.test` → `a•••@example.test`: the domain helps choose the address, the name stays hidden. */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${[...email.slice(0, at)][0]}•••${email.slice(at)}`;
}

/** Only the last two digits: `+44 7700 900123` → `•••23`. */
export function maskedPhone(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 2 ? `•••${digits.slice(-2)}` : null;
}
