import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  newId,
  NotFoundError,
  paginate,
  type ConnectionShape,
  type PageArgs,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { IsNull } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { Price } from '../contracts/entities/price.entity';
import { Product } from '../contracts/entities/product.entity';
import type { Actor } from '../identity/auth/actor';
import { OrganizationsService } from '../identity/organizations.service';
import { PasswordTokensService } from '../identity/password-tokens.service';
import { RateLimiter, type RateLimit } from '../identity/rate-limiter.service';
import { MembershipsService } from '../identity/memberships.service';
import { User } from '../identity/entities/user.entity';
import { UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { Code, CodeStatus } from '../inventory/entities/code.entity';
import { mailDate, recipientData } from '../notifications/mail-data';
import { MessageKind } from '../notifications/message-kinds';
import { NotificationsService } from '../notifications/notifications.service';
import { codeUnusableError, CodeUnusableReason, unusableReason } from './code-usability';
import { AccessGrant, GrantStatus } from './entities/access-grant.entity';
import { CodeRedeemed, RedemptionChannel } from './events/access.events';

const DAY_MS = 86_400_000;

/** Wrong codes allowed per person and per client address in a quarter of an hour: typos pass, guessing does not. */
const WRONG_CODES_PER_PERSON = 10;
const WRONG_CODES_PER_CLIENT = 50;
const WRONG_CODE_WINDOW_SECONDS = 900;
const PERSON_KEY = 'redeem:user:';
const CLIENT_KEY = 'redeem:client:';

/** A person or a client address that may not redeem for a while after too many wrong codes. */
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
  /** The confirmation mail; off when the caller sends its own (an account-created mail). */
  notify?: boolean;
}

/**
 * Redeeming a code: the one place a code becomes REDEEMED and a person gets access. The code is
 * taken with a guarded UPDATE, so of two people racing for it exactly one wins; the rest of the
 * work (membership, grant, event, mail) happens in the same transaction.
 */
@Injectable()
export class RedemptionService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly memberships: MembershipsService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    private readonly events: EventBus,
    private readonly limiter: RateLimiter,
    private readonly passwordTokens: PasswordTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get grants() {
    return this.txHost.tx.getRepository(AccessGrant);
  }

  /** A signed-in person redeems a code they were given; wrong codes count towards a rate limit. */
  async redeemTyped(actor: Actor, typed: string, clientAddress: string): Promise<AccessGrant> {
    if (actor.kind !== 'user') throw new ForbiddenError('Codes are redeemed by people: sign in as the person.');
    const limits: RateLimit[] = [
      { key: `${PERSON_KEY}${actor.userId}`, max: WRONG_CODES_PER_PERSON, windowSeconds: WRONG_CODE_WINDOW_SECONDS },
      { key: `${CLIENT_KEY}${clientAddress}`, max: WRONG_CODES_PER_CLIENT, windowSeconds: WRONG_CODE_WINDOW_SECONDS },
    ];
    // Counted before the look-up, so parallel guesses cannot all slip under the limit; given back
    // unless the code was wrong (a used or expired code is a real code, not a guess).
    await this.limiter.take(limits);
    try {
      const grant = await this.redeem({ typed, userId: actor.userId, channel: 'CODE', actorId: actor.userId });
      await this.limiter.giveBack(limits);
      return grant;
    } catch (error) {
      if (!(error instanceof NotFoundError)) await this.limiter.giveBack(limits);
      throw error;
    }
  }

  @Transactional()
  async redeem(redemption: Redemption): Promise<AccessGrant> {
    const typed = redemption.typed ?? redemption.codeId ?? '';
    const code = redemption.codeId
      ? ((await this.codes.findByIds([redemption.codeId]))[0] ?? null)
      : await this.codes.findByValue(normalizeCode(typed));
    // An invitation's seat is PENDING while it is held; the invitation (or an admin) may take it.
    const allowPending = redemption.channel !== 'CODE';
    await this.assertUsable(code, typed, allowPending);
    const taken = await this.codes.transition(
      code!.id,
      allowPending ? [CodeStatus.AVAILABLE, CodeStatus.PENDING] : [CodeStatus.AVAILABLE],
      CodeStatus.REDEEMED,
    );
    if (!taken) {
      // Someone else took it between the look and the update: say what it is now.
      await this.assertUsable((await this.codes.findByIds([code!.id]))[0] ?? null, typed, allowPending);
      throw codeUnusableError(CodeUnusableReason.REDEEMED, typed);
    }
    return this.grant(taken, redemption);
  }

  private async assertUsable(code: Code | null, typed: string, allowPending: boolean): Promise<void> {
    const [contract] = code?.contractId ? await this.contracts.findContractsByIds([code.contractId]) : [];
    const reason = unusableReason(code, contract ?? null, { allowPending });
    if (reason) throw codeUnusableError(reason, typed);
  }

  private async grant(code: Code, redemption: Redemption): Promise<AccessGrant> {
    const [price] = code.priceId ? await this.contracts.findPricesByIds([code.priceId]) : [];
    const [product] = price ? await this.contracts.findProductsByIds([price.productId]) : [];
    const alreadyHasAccess = () =>
      new ConflictError(`This person already has access to ${product!.name}.`, { reason: 'ALREADY_HAS_ACCESS' });
    // Checked after the code is taken, so the taken code goes back with the rolled-back transaction;
    // the unique index on grants in force is what settles two seats racing for one person.
    if (
      product &&
      (await this.grants.existsBy({
        userId: redemption.userId,
        productId: product.id,
        role: code.codeType ?? IsNull(),
        status: GrantStatus.ACTIVE,
      }))
    ) {
      throw alreadyHasAccess();
    }
    const { startsAt, endsAt } = accessPeriod(price, new Date());
    await this.memberships.ensureMember(code.organizationId, redemption.userId, redemption.actorId);
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
    await this.grants.insert(grant).catch((error: unknown) => {
      throw isUniqueViolation(error, ACTIVE_PRODUCT_KEY) ? alreadyHasAccess() : error;
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
    if (redemption.notify !== false) await this.confirm(grant, product ?? null);
    return (await this.grants.findOneBy({ id: grant.id }))!;
  }

  /**
   * For a person with access but no password yet: the account mail with a one-time set-password
   * link (never a password), in the caller's transaction.
   */
  async sendAccountSetup(grant: AccessGrant): Promise<void> {
    const link = await this.passwordTokens.issue(grant.userId);
    await this.mailAboutGrant(
      grant,
      MessageKind.ACCOUNT_CREATED,
      { expiresAt: mailDate(link.expiresAt) },
      { secrets: { setPasswordUrl: link.url } },
    );
  }

  /** Queues the registration-confirmed mail for a grant, in the caller's transaction. */
  async confirm(grant: AccessGrant, product?: Product | null): Promise<void> {
    await this.mailAboutGrant(
      grant,
      MessageKind.REGISTRATION_CONFIRMED,
      { accessEndsAt: grant.endsAt ? mailDate(grant.endsAt) : null, signInUrl: `${this.config.links.appUrl}/sign-in` },
      { product },
    );
  }

  /**
   * Queues a mail about a grant to its person, in the caller's transaction: the person, the
   * organisation and the product as every grant mail names them, plus `extra`.
   */
  async mailAboutGrant(
    grant: AccessGrant,
    kind: MessageKind,
    extra: Record<string, unknown>,
    options: { product?: Product | null; secrets?: Record<string, string>; eventId?: string } = {},
  ): Promise<void> {
    // One after another: these run on the transaction's single connection.
    const user = (await this.users.findById(grant.userId))!;
    const [organization] = await this.organizations.findByIds([grant.organizationId]);
    const product =
      options.product !== undefined
        ? options.product
        : grant.productId
          ? (await this.contracts.findProductsByIds([grant.productId]))[0]
          : null;
    await this.notifications.queue({
      kind,
      recipient: user.email,
      organizationId: grant.organizationId,
      codeId: grant.codeId,
      grantId: grant.id,
      eventId: options.eventId ?? null,
      data: {
        recipient: recipientData(user),
        organization: { name: organization?.name ?? '' },
        product: { name: product?.name ?? '' },
        ...extra,
      },
      secrets: options.secrets,
    });
  }

  /**
   * Who is locked out of redeeming now (platform admins: a person's lock-out holds across every
   * organisation, so no organisation's admin may lift it), optionally only an organisation's members.
   */
  async lockouts(organizationId: string | null): Promise<RedemptionLockout[]> {
    const locked = await this.limiter.lockedOut('redeem:', WRONG_CODE_WINDOW_SECONDS, (key) =>
      key.startsWith(PERSON_KEY) ? WRONG_CODES_PER_PERSON : WRONG_CODES_PER_CLIENT,
    );
    const people = new Map(
      (await this.users.findByIds(locked.flatMap((row) => (row.key.startsWith(PERSON_KEY) ? [row.key.slice(PERSON_KEY.length)] : [])))).map(
        (user) => [user.id, user],
      ),
    );
    const members = organizationId ? new Set(await this.memberships.memberIdsAmong(organizationId, [...people.keys()])) : null;
    return locked.flatMap((row) => {
      const person = row.key.startsWith(PERSON_KEY) ? (people.get(row.key.slice(PERSON_KEY.length)) ?? null) : null;
      if (members && (!person || !members.has(person.id))) return [];
      return [{ ...row, person, clientAddress: row.key.startsWith(CLIENT_KEY) ? row.key.slice(CLIENT_KEY.length) : null }];
    });
  }

  /** Lets a locked-out person (or client address) try again at once. */
  async liftLockout(key: string): Promise<void> {
    if (!(await this.lockouts(null)).some((lockout) => lockout.key === key)) throw new NotFoundError('Lock-out', key);
    await this.limiter.reset([key]);
  }

  /** Which of these people have access to the product now (any role). */
  async holdersOf(productId: string, userIds: readonly string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await this.grants
      .createQueryBuilder('access')
      .select('access.user_id', 'userId')
      .where(`access.product_id = :productId AND access.status = 'ACTIVE' AND access.user_id = ANY(:userIds)`, {
        productId,
        userIds: [...userIds],
      })
      .getRawMany<{ userId: string }>();
    return new Set(rows.map((row) => row.userId));
  }

  /** The signed-in person's own grants, in the order they were given. */
  async mine(actor: Actor, page: PageArgs): Promise<ConnectionShape<AccessGrant>> {
    if (actor.kind !== 'user') throw new ForbiddenError('`myAccess` is for people; an API key has no user.');
    return paginate(this.grants.createQueryBuilder('access').where('access.user_id = :userId', { userId: actor.userId }), page);
  }
}

/** The unique index of grants in force per person, product and role. */
export const ACTIVE_PRODUCT_KEY = 'access_grant_active_product_key';

/** Access starts now (or at a fixed start still ahead) and ends after the price's days or at its fixed end. */
export function accessPeriod(price: Price | undefined, now: Date): { startsAt: Date; endsAt: Date | null } {
  if (price?.accessStartsAt && price.accessEndsAt) {
    return { startsAt: price.accessStartsAt > now ? price.accessStartsAt : now, endsAt: price.accessEndsAt };
  }
  return { startsAt: now, endsAt: price?.accessDays ? new Date(now.getTime() + price.accessDays * DAY_MS) : null };
}
