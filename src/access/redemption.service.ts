import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import {
  ConflictError,
  ErrorReason,
  ForbiddenError,
  isUniqueViolation,
  newId,
  NotFoundError,
  paginate,
  type ConnectionShape,
  type PageArgs,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { EntityManager } from 'typeorm';
import { entityFromRow, prefixedColumns } from '../database/raw-entities';
import { ContractsService } from '../contracts/contracts.service';
import { Price } from '../contracts/entities/price.entity';
import { Product } from '../contracts/entities/product.entity';
import type { Actor } from '../identity/auth/actor';
import { GUESS_KEY, GUESS_WINDOW_SECONDS, GuessingBudget, guessLimitOf } from '../identity/guessing-budget.service';
import { RateLimiter } from '../identity/rate-limiter.service';
import { MembershipsService } from '../identity/memberships.service';
import { User } from '../identity/entities/user.entity';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { Code, CodeStatus } from '../inventory/entities/code.entity';
import { codeUnusableError, CodeUnusableReason, unusableReason, usableCodeCondition } from './code-usability';
import { AccessGrant, GrantStatus } from './entities/access-grant.entity';
import { CodeRedeemed, RedemptionChannel } from './events/access.events';

const DAY_MS = 86_400_000;

/** A person, API key, client address or organisation that may not guess for a while after too many wrong codes. */
export interface RedemptionLockout {
  key: string;
  person: User | null;
  clientAddress: string | null;
  attempts: number;
  retryAfterSeconds: number;
}

export interface Redemption {
  /** The code: its id, or its value as typed. */
  codeId?: string;
  typed?: string;
  userId: string;
  channel: RedemptionChannel;
  /** The invitation being accepted (INVITATION channel). */
  invitationId?: string;
  /** Who caused it (the person, or the admin who assigned the seat), for the audit. */
  actorId: string | null;
}

/**
 * Redeeming a code: the one place a code becomes REDEEMED and a person gets access. The code is
 * taken with a guarded UPDATE, so of two people racing for it exactly one wins; the rest of the
 * work (membership, grant, event) happens in the same transaction; the mail follows the event after commit.
 */
@Injectable()
export class RedemptionService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly events: EventBus,
    private readonly limiter: RateLimiter,
    private readonly budget: GuessingBudget,
  ) {}

  private readonly takeStatements: Partial<Record<'id' | 'code', string>> = {};

  private get grants() {
    return this.txHost.tx.getRepository(AccessGrant);
  }

  /**
   * A signed-in person redeems a code they were given, under the guessing budget of the person and
   * the client address: a wrong code costs one guess (the same wrong code again costs nothing); a
   * real code, redeemed or refused as used, costs nothing.
   */
  async redeemTyped(actor: Actor, typed: string, clientAddress: string): Promise<AccessGrant> {
    if (actor.kind !== 'user') throw new ForbiddenError('Codes are redeemed by people: sign in as the person.');
    return this.budget.guarding({ actor, clientAddress }, 'REDEEM', normalizeCode(typed), () =>
      this.redeem({ typed, userId: actor.userId, channel: 'CODE', actorId: actor.userId }),
    );
  }

  /** Refuses a typed code that cannot be redeemed now, with the error redeeming it would give. */
  async assertRedeemable(typed: string): Promise<void> {
    const reason = await this.unusableReasonOf(await this.codes.findByValue(normalizeCode(typed)), false);
    if (reason) throw codeUnusableError(reason, typed);
  }

  @Transactional()
  async redeem(redemption: Redemption): Promise<AccessGrant> {
    const typed = redemption.typed ?? redemption.codeId ?? '';
    // An invitation's seat is PENDING while it is held; the invitation (or an admin) may take it.
    const allowPending = redemption.channel !== 'CODE';
    const taken = await this.take(redemption, allowPending);
    if (!taken) {
      // Only a code that could not be taken is looked at again, to say why.
      const code = redemption.codeId
        ? ((await this.codes.findByIds([redemption.codeId]))[0] ?? null)
        : await this.codes.findByValue(normalizeCode(typed));
      // Usable now but not a moment ago: someone else had it and let it go; it was not free to take.
      throw codeUnusableError((await this.unusableReasonOf(code, allowPending)) ?? CodeUnusableReason.REDEEMED, typed);
    }
    return this.grant(taken, redemption);
  }

  /** Why a code cannot be redeemed now (its status, expiry and contract), or null when it can. */
  private async unusableReasonOf(code: Code | null, allowPending: boolean): Promise<CodeUnusableReason | null> {
    const [contract] = code?.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    return unusableReason(code, contract ?? null, { allowPending });
  }

  /**
   * Takes the code in one guarded statement (status, expiry and contract checked by the UPDATE
   * itself, so of two people racing exactly one gets it) and reads, in the same round trip, what
   * the grant needs: the price, the product and the person.
   */
  private async take(redemption: Redemption, allowPending: boolean): Promise<TakenCode | null> {
    const manager = this.txHost.tx;
    const statuses = allowPending ? [CodeStatus.AVAILABLE, CodeStatus.PENDING] : [CodeStatus.AVAILABLE];
    const by = redemption.codeId ? 'id' : 'code';
    // The same two statements every time: built once from the entities' columns, not per redemption.
    const sql = (this.takeStatements[by] ??= takeStatement(manager, by));
    const [row] = (await manager.query(sql, [
      redemption.codeId ?? normalizeCode(redemption.typed ?? ''),
      statuses,
      redemption.userId,
    ])) as Record<string, unknown>[];
    if (!row) return null;
    return {
      code: entityFromRow(manager, Code, row, 'code_')!,
      price: entityFromRow(manager, Price, row, 'price_'),
      product: entityFromRow(manager, Product, row, 'product_'),
      person: entityFromRow(manager, User, row, 'person_')!,
    };
  }

  private async grant({ code, price, product, person }: TakenCode, redemption: Redemption): Promise<AccessGrant> {
    const { startsAt, endsAt } = accessPeriod(price, new Date());
    // The person as the take statement read them: a verified account joins without further look-ups.
    await this.memberships.ensureMember(code.organizationId, redemption.userId, redemption.actorId, person);
    const grant = this.grants.create({
      id: newId(),
      organizationId: code.organizationId,
      userId: redemption.userId,
      codeId: code.id,
      productId: product?.id ?? null,
      priceId: price?.id ?? null,
      role: code.codeType,
      status: GrantStatus.ACTIVE,
      startsAt,
      endsAt,
      revokedAt: null,
    });
    // The unique index on grants in force settles a second grant for the product (also two seats
    // racing for one person); the failed insert rolls back the taken code with everything else.
    await this.grants.insert(grant).catch((error: unknown) => {
      if (!isUniqueViolation(error, ACTIVE_PRODUCT_KEY)) throw error;
      throw new ConflictError(`This person already has access to ${product!.name}.`, { reason: ErrorReason.ALREADY_HAS_ACCESS });
    });
    await this.events.publish(
      new CodeRedeemed(
        {
          codeId: code.id,
          grantId: grant.id,
          userId: redemption.userId,
          productId: grant.productId,
          priceId: grant.priceId,
          channel: redemption.channel,
          invitationId: redemption.invitationId ?? null,
        },
        { organizationId: code.organizationId, actorId: redemption.actorId },
      ),
    );
    return grant;
  }

  /**
   * Who is locked out of redeeming now (platform admins: a person's lock-out holds across every
   * organisation, so no organisation's admin may lift it), optionally only an organisation's members.
   */
  async lockouts(organizationId: string | null): Promise<RedemptionLockout[]> {
    const locked = await this.limiter.lockedOut('guess:', GUESS_WINDOW_SECONDS, guessLimitOf);
    const personOf = (key: string) => (key.startsWith(GUESS_KEY.user) ? key.slice(GUESS_KEY.user.length) : null);
    const people = new Map((await this.users.findByIds(locked.flatMap((row) => personOf(row.key) ?? []))).map((user) => [user.id, user]));
    const members = organizationId ? new Set(await this.memberships.memberIdsAmong(organizationId, [...people.keys()])) : null;
    return locked.flatMap((row) => {
      const userId = personOf(row.key);
      const person = userId ? (people.get(userId) ?? null) : null;
      if (members && (!person || !members.has(person.id))) return [];
      return [{ ...row, person, clientAddress: row.key.startsWith(GUESS_KEY.client) ? row.key.slice(GUESS_KEY.client.length) : null }];
    });
  }

  /** Lets a locked-out person (or client address) try again at once. */
  async liftLockout(key: string): Promise<void> {
    if (!(await this.lockouts(null)).some((lockout) => lockout.key === key)) throw new NotFoundError('Lock-out', key);
    await this.limiter.reset([key]);
  }

  /**
   * Which of these people have access to the product now (any role): through any organisation,
   * or only through grants `in` one organisation, or only through grants `outside` one. What an
   * organisation is told may rest only on `in` its own: grants elsewhere are not its to know.
   */
  async holdersOf(productId: string, userIds: readonly string[], where: { in?: string; outside?: string } = {}): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const query = this.grants
      .createQueryBuilder('access')
      .select('access.user_id', 'userId')
      .where(`access.product_id = :productId AND access.status = 'ACTIVE' AND access.user_id = ANY(:userIds)`, {
        productId,
        userIds: [...userIds],
      });
    if (where.in) query.andWhere('access.organization_id = :in', { in: where.in });
    if (where.outside) query.andWhere('access.organization_id <> :outside', { outside: where.outside });
    const rows = await query.getRawMany<{ userId: string }>();
    return new Set(rows.map((row) => row.userId));
  }

  /** The signed-in person's own grants, in the order they were given. */
  async mine(actor: Actor, page: PageArgs): Promise<ConnectionShape<AccessGrant>> {
    if (actor.kind !== 'user') throw new ForbiddenError('`myAccess` is for people; an API key has no user.');
    return paginate(this.grants.createQueryBuilder('access').where('access.user_id = :userId', { userId: actor.userId }), page);
  }
}

/**
 * Takes a code by id or by value if it is usable (status from $2, expiry, contract), and reads its
 * price, product, organisation and the person $3 in the same statement.
 */
function takeStatement(manager: EntityManager, by: 'id' | 'code'): string {
  return `WITH taken AS (
      UPDATE code SET status = '${CodeStatus.REDEEMED}', updated_at = now()
       WHERE ${by === 'id' ? 'id = $1::uuid' : 'code = $1'} AND status = ANY($2::code_status[]) AND ${usableCodeCondition('code')}
      RETURNING *)
    SELECT ${prefixedColumns(manager, Code, 'taken', 'code_')}, ${prefixedColumns(manager, Price, 'price', 'price_')},
           ${prefixedColumns(manager, Product, 'product', 'product_')}, ${prefixedColumns(manager, User, 'person', 'person_')}
      FROM taken
      JOIN user_account person ON person.id = $3
      LEFT JOIN price ON price.id = taken.price_id
      LEFT JOIN product ON product.id = price.product_id`;
}

/** A code just taken, with what its grant needs, read in the same statement. */
interface TakenCode {
  code: Code;
  price: Price | null;
  product: Product | null;
  person: User;
}

/** The unique index of grants in force per person, product and role. */
export const ACTIVE_PRODUCT_KEY = 'access_grant_active_product_key';

/** Access starts now (or at a fixed start still ahead) and ends after the price's days or at its fixed end. */
export function accessPeriod(price: Price | null | undefined, now: Date): { startsAt: Date; endsAt: Date | null } {
  if (price?.accessStartsAt && price.accessEndsAt) {
    return { startsAt: price.accessStartsAt > now ? price.accessStartsAt : now, endsAt: price.accessEndsAt };
  }
  return { startsAt: now, endsAt: price?.accessDays ? new Date(now.getTime() + price.accessDays * DAY_MS) : null };
}
