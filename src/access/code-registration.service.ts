import { Transactional } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { AppError, ConflictError, ErrorReason } from '@tessera/common';
import { normalizeCode } from '@tessera/codes';
import { passwordHasher } from '../identity/auth/password-hasher';
import { TokenService } from '../identity/auth/token.service';
import { GuessingBudget } from '../identity/guessing-budget.service';
import { User } from '../identity/entities/user.entity';
import { normalizeEmail, UsersService } from '../identity/users.service';
import type { RegisterWithCodeInput } from './dto/code-registration.dto';
import { AccessGrant } from './entities/access-grant.entity';
import { RedemptionService } from './redemption.service';

function accountExists(email: string): ConflictError {
  return new ConflictError(
    `An account for ${normalizeEmail(email)} exists already: sign in and redeem the code there (forgotten password: request a reset).`,
    { reason: ErrorReason.ACCOUNT_EXISTS, field: 'email' },
  );
}

/** An answer that tells whether an address has an account: charged like a wrong code, so nobody sifts addresses with one good code. */
function isAccountExists(error: unknown): boolean {
  return error instanceof AppError && error.details.reason === ErrorReason.ACCOUNT_EXISTS;
}

/**
 * A newcomer's registration with a code (workflow C): the account and the redemption in one
 * transaction, so a code taken meanwhile leaves no account behind. The redemption is
 * RedemptionService's, under the same guessing budget (per client address) as redeemCode.
 */
@Injectable()
export class CodeRegistrationService {
  constructor(
    private readonly users: UsersService,
    private readonly redemption: RedemptionService,
    private readonly tokens: TokenService,
    private readonly budget: GuessingBudget,
  ) {}

  async register(
    input: RegisterWithCodeInput,
    clientAddress: string,
  ): Promise<{ user: User; grant: AccessGrant; accessToken: string; expiresAt: Date }> {
    // One guess is the code with the address: the same submission again costs nothing, another address does.
    const guess = `${normalizeCode(input.code)}\n${normalizeEmail(input.email)}`;
    const { user, grant } = await this.budget.guarding(
      { actor: null, clientAddress },
      'REGISTER',
      guess,
      async () => {
        // The code answers first: a wrong one learns nothing about the address, and costs no hashing.
        await this.redemption.assertRedeemable(input.code);
        if (await this.users.findByEmail(input.email)) throw accountExists(input.email);
        // Hashed before the transaction: argon2 is slow on purpose, and no row should wait for it.
        return this.registerInTransaction(input, await passwordHasher.hash(input.password));
      },
      isAccountExists,
    );
    return { ...this.tokens.issue(user), user, grant };
  }

  @Transactional()
  private async registerInTransaction(input: RegisterWithCodeInput, passwordHash: string): Promise<{ user: User; grant: AccessGrant }> {
    const user = await this.users
      .create({ email: input.email, firstName: input.firstName, lastName: input.lastName, passwordHash })
      .catch((error: unknown) => {
        // The address was registered since the check above.
        throw error instanceof ConflictError ? accountExists(input.email) : error;
      });
    // Taken or withdrawn since the check above: the error rolls the new account back with it.
    const grant = await this.redemption.redeem({ typed: input.code, userId: user.id, channel: 'CODE', actorId: user.id });
    return { user, grant };
  }
}
