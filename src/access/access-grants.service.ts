import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger } from '@nestjs/common';
import {
  BadUserInputError,
  ConflictError,
  copyCsv,
  csvSafeSql,
  decodeCursor,
  ErrorReason,
  ForbiddenError,
  isoTimestampSql,
  isUniqueViolation,
  newId,
  NotFoundError,
  pageSize,
  paginate,
  toConnection,
  type PageArgs,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { Writable } from 'node:stream';
import { DataSource, In, SelectQueryBuilder } from 'typeorm';
import { ContractsService } from '../contracts/contracts.service';
import { Product } from '../contracts/entities/product.entity';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { MembershipsService } from '../identity/memberships.service';
import { CodesService } from '../inventory/codes.service';
import { CodeStatus } from '../inventory/entities/code.entity';
import type { AccessGrantConnection, AccessGrantFilter } from './dto/access.dto';
import { AccessGrant, GrantStatus } from './entities/access-grant.entity';
import { GrantChange, GrantChangeKind } from './entities/grant-change.entity';
import { MilestoneCompletion } from './entities/milestone-completion.entity';
import { AccessExpired, AccessExtended, AccessRevoked, MilestoneRecorded, RegistrationConfirmationRequested } from './events/access.events';
import { ACTIVE_PRODUCT_KEY } from './redemption.service';
import { RegistrationSearchSql, SEARCH_COUNT_CAP, searchPatterns, statusSql } from './registration-search.sql';

const ADMIN = { role: MemberRole.ORG_ADMIN };
/** Who may see an organisation's grants, besides the person who holds one: its admins and its API keys. */
export const GRANT_READERS = { ...ADMIN, apiKey: true };
/** Grants the expiry round ends in one transaction. */
const EXPIRY_BATCH = 1000;

/** A milestone of the product, and when the person reached it (null: not yet). */
export interface MilestoneProgress {
  key: string;
  label: string;
  completedAt: Date | null;
}

/**
 * Access grants after redemption: the registrations view (search, CSV), revoking (the code goes
 * back to the pool), changing the end date with its history, milestones, and the expiry round.
 * The mails about them follow their events (notifications subscribes).
 * Changes that touch the code lock it before the grant, as redemption does.
 */
@Injectable()
export class AccessGrantsService {
  private readonly logger = new Logger('AccessGrants');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly memberships: MembershipsService,
    private readonly events: EventBus,
  ) {}

  private get grants() {
    return this.txHost.tx.getRepository(AccessGrant);
  }

  /** The registrations of an organisation (its admins; platform admins for any customer). */
  async list(actor: Actor, organizationId: string, page: PageArgs, filter: AccessGrantFilter = {}): Promise<AccessGrantConnection> {
    await this.access.requireOrganization(actor, organizationId, { ...ADMIN, apiKey: true });
    await this.checkFilter(organizationId, filter);
    const term = filter.search?.trim();
    if (term) return this.search(organizationId, filter, term, page);
    return { ...(await paginate(this.filtered(organizationId, filter), page)), totalCountIsExact: true };
  }

  /**
   * The list with a search term: the matches are looked up per table (see RegistrationSearchSql)
   * and counted up to SEARCH_COUNT_CAP; past the cap the page comes from a walk by id instead.
   */
  private async search(organizationId: string, filter: AccessGrantFilter, term: string, page: PageArgs): Promise<AccessGrantConnection> {
    const first = pageSize(page);
    const afterId = page.after ? decodeCursor(page.after) : null;
    const search = new RegistrationSearchSql(
      { organizationId, status: filter.status, productId: filter.productId, userId: filter.userId },
      term,
    );
    const matches = search.matchesQuery(afterId, first + 1);
    const [{ matchCount, pageIds }] = (await this.txHost.tx.query(matches.sql, matches.params)) as {
      matchCount: number;
      pageIds: string[];
    }[];
    const totalCountIsExact = matchCount <= SEARCH_COUNT_CAP;
    let ids = pageIds;
    if (!totalCountIsExact) {
      const walk = search.pageQuery(afterId, first + 1);
      ids = ((await this.txHost.tx.query(walk.sql, walk.params)) as { id: string }[]).map((row) => row.id);
    }
    const byId = new Map((ids.length ? await this.grants.findBy({ id: In(ids) }) : []).map((grant) => [grant.id, grant]));
    const rows = ids.flatMap((id) => byId.get(id) ?? []);
    return { ...toConnection(rows, first, Math.min(matchCount, SEARCH_COUNT_CAP), (grant) => grant.id), totalCountIsExact };
  }

  /** The same rows as the list, as a CSV writer; access is checked before the first byte. */
  async export(actor: Actor, organizationId: string, filter: AccessGrantFilter): Promise<(output: Writable) => Promise<void>> {
    await this.access.requireOrganization(actor, organizationId, { ...ADMIN, apiKey: true });
    await this.checkFilter(organizationId, filter);
    const select = this.filtered(organizationId, filter)
      .leftJoin('price', 'price', 'price.id = access.price_id')
      .select([
        'code.code AS code',
        `${csvSafeSql('person.email')} AS email`,
        `${csvSafeSql('person.first_name')} AS first_name`,
        `${csvSafeSql('person.last_name')} AS last_name`,
        `${csvSafeSql('product.name')} AS product`,
        `${csvSafeSql('price.name')} AS price`,
        `${csvSafeSql('access.role')} AS role`,
        `CASE WHEN access.status = 'ACTIVE' AND access.ends_at <= now() THEN 'EXPIRED' ELSE access.status::text END AS status`,
        `${isoTimestampSql('access.created_at')} AS redeemed_at`,
        `${isoTimestampSql('access.starts_at')} AS starts_at`,
        `${isoTimestampSql('access.ends_at')} AS ends_at`,
        `(SELECT string_agg(m.key || ' ' || ${isoTimestampSql('m.completed_at')}, '; ' ORDER BY m.completed_at)
            FROM milestone_completion m WHERE m.grant_id = access.id) AS milestones`,
      ])
      .orderBy('access.id', 'ASC');
    return (output) => copyCsv(this.dataSource, select, output);
  }

  /**
   * A filter naming a product the organisation cannot use, or a person it does not know (neither a
   * member nor registered there), is NOT_FOUND, as using another organisation's id anywhere else is.
   */
  private async checkFilter(organizationId: string, filter: AccessGrantFilter): Promise<void> {
    if (filter.productId) {
      const [product] = await this.contracts.findProductsByIds([filter.productId]);
      if (!product || (product.ownerOrganizationId !== null && product.ownerOrganizationId !== organizationId)) {
        throw new NotFoundError('Product', filter.productId);
      }
    }
    if (
      filter.userId &&
      !(await this.memberships.isMember(organizationId, filter.userId)) &&
      !(await this.grants.existsBy({ organizationId, userId: filter.userId }))
    ) {
      throw new NotFoundError('User', filter.userId);
    }
  }

  /** The filter of the export and of the list without a search: search looks at the code, the person, the product, the role and milestones. */
  private filtered(organizationId: string, filter: AccessGrantFilter): SelectQueryBuilder<AccessGrant> {
    const query = this.grants
      .createQueryBuilder('access')
      .innerJoin('code', 'code', 'code.id = access.code_id')
      .innerJoin('user_account', 'person', 'person.id = access.user_id')
      .leftJoin('product', 'product', 'product.id = access.product_id')
      .where('access.organization_id = :organizationId', { organizationId });
    if (filter.status?.length) {
      query.andWhere(`(${filter.status.map((status) => statusSql(status, 'access')).join(' OR ')})`);
    }
    if (filter.productId) query.andWhere('access.product_id = :productId', { productId: filter.productId });
    if (filter.userId) query.andWhere('access.user_id = :userId', { userId: filter.userId });
    if (filter.search?.trim()) {
      // The export reads every match anyway: one pass with the same rules as RegistrationSearchSql.
      const { canonical, codePart, text } = searchPatterns(filter.search.trim());
      query.andWhere(
        `(code.code = :canonical OR code.code LIKE :codePart OR person.email ILIKE :term
          OR (person.first_name || ' ' || person.last_name) ILIKE :term OR product.name ILIKE :term OR access.role ILIKE :term
          OR EXISTS (SELECT 1 FROM milestone_completion m WHERE m.grant_id = access.id AND m.key ILIKE :term))`,
        { canonical, codePart, term: text },
      );
    }
    return query;
  }

  findByIds(ids: readonly string[]): Promise<AccessGrant[]> {
    return this.grants.findBy({ id: In([...ids]) });
  }

  /** One grant: for the person who holds it, and the admins and API keys of its organisation. Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, grantId: string): Promise<AccessGrant> {
    const grant = await this.grants.findOneBy({ id: grantId });
    if (!grant || !(await this.mayRead(actor, grant))) throw new NotFoundError('AccessGrant', grantId);
    return grant;
  }

  /** One change of a grant's history, for whoever may see the grant; NOT_FOUND for anyone else. */
  async getChange(actor: Actor, changeId: string): Promise<GrantChange> {
    const change = await this.txHost.tx.getRepository(GrantChange).findOneBy({ id: changeId });
    const grant = change ? await this.grants.findOneBy({ id: change.grantId }) : null;
    if (!change || !grant || !(await this.mayRead(actor, grant))) throw new NotFoundError('GrantChange', changeId);
    return change;
  }

  /**
   * The grant each code stands for now, in the order of `codeIds` (a DataLoader batch): in force, or
   * expired while the code stays redeemed. None for a code not redeemed: a revoked grant frees its code.
   */
  async currentOfCodes(codeIds: readonly string[]): Promise<(AccessGrant | null)[]> {
    const grants = await this.grants
      .createQueryBuilder('access')
      .where(`access.id IN (SELECT DISTINCT ON (code_id) id FROM access_grant WHERE code_id = ANY(:codeIds) ORDER BY code_id, id DESC)`, {
        codeIds: [...codeIds],
      })
      .andWhere(`access.status <> 'REVOKED'`)
      .getMany();
    const byCode = new Map(grants.map((grant) => [grant.codeId, grant]));
    return codeIds.map((codeId) => byCode.get(codeId) ?? null);
  }

  private async mayRead(actor: Actor, grant: AccessGrant): Promise<boolean> {
    return (actor.kind === 'user' && actor.userId === grant.userId) || this.access.allows(actor, grant.organizationId, GRANT_READERS);
  }

  /** Whether the signed-in person has access to the product now. */
  async hasAccess(actor: Actor, productId: string): Promise<boolean> {
    if (actor.kind !== 'user') throw new ForbiddenError('`hasAccess` is for people; an API key has no user.');
    return this.grants
      .createQueryBuilder('access')
      .where(`access.user_id = :userId AND access.product_id = :productId AND access.status = 'ACTIVE'`, {
        userId: actor.userId,
        productId,
      })
      .andWhere('access.starts_at <= now() AND (access.ends_at IS NULL OR access.ends_at > now())')
      .getExists();
  }

  /**
   * Ends access now and returns the code to the pool (AVAILABLE) for someone else; the person is
   * told by mail. An expired grant can be revoked too, to free its seat.
   */
  @Transactional()
  async revoke(actor: Actor, grantId: string, reason: string | null): Promise<AccessGrant> {
    const found = await this.load(actor, grantId);
    await this.codes.lockById(found.codeId);
    const [rows] = (await this.txHost.tx.query(
      `UPDATE access_grant SET status = 'REVOKED', revoked_at = now(), ends_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('ACTIVE', 'EXPIRED') RETURNING id`,
      [grantId],
    )) as [{ id: string }[], number];
    if (!rows.length) throw new ConflictError('This access has been revoked already.', { reason: ErrorReason.REVOKED });
    const codeReleased = Boolean(await this.codes.transition(found.codeId, [CodeStatus.REDEEMED], CodeStatus.AVAILABLE));
    const grant = (await this.grants.findOneBy({ id: grantId }))!;
    await this.recordChange(grant, GrantChangeKind.REVOKED, found.endsAt, grant.endsAt, reason, actorUserId(actor));
    await this.events.publish(
      new AccessRevoked(
        { grantId, codeId: grant.codeId, userId: grant.userId, reason, codeReleased },
        { organizationId: grant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return grant;
  }

  /** Sets a new end date (later or earlier, in the future); an expired grant is in force again. */
  @Transactional()
  async extend(actor: Actor, grantId: string, endsAt: Date): Promise<AccessGrant> {
    const grant = await this.load(actor, grantId, { lock: true });
    if (grant.status === GrantStatus.REVOKED) {
      throw new ConflictError('This access was revoked and its code went back to the pool: give a new seat instead.', {
        reason: ErrorReason.REVOKED,
      });
    }
    if (endsAt <= grant.startsAt) throw BadUserInputError.field('endsAt', 'must be after the start of the access.');
    await this.grants.update({ id: grantId }, { endsAt, status: GrantStatus.ACTIVE }).catch((error: unknown) => {
      if (!isUniqueViolation(error, ACTIVE_PRODUCT_KEY)) throw error;
      throw new ConflictError('This person has a newer access to the same product: extend that one instead.', {
        reason: ErrorReason.ALREADY_HAS_ACCESS,
      });
    });
    const changed = (await this.grants.findOneBy({ id: grantId }))!;
    await this.recordChange(changed, GrantChangeKind.EXTENDED, grant.endsAt, endsAt, null, actorUserId(actor));
    await this.events.publish(
      new AccessExtended(
        { grantId, userId: grant.userId, previousEndsAt: grant.endsAt?.toISOString() ?? null, newEndsAt: endsAt.toISOString() },
        { organizationId: grant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return changed;
  }

  /** Mails the registration confirmation again (someone who never set a password gets a new set-password link). */
  @Transactional()
  async resendConfirmation(actor: Actor, grantId: string): Promise<AccessGrant> {
    const grant = await this.load(actor, grantId);
    if (grant.status === GrantStatus.REVOKED)
      throw new ConflictError('This access was revoked: there is nothing to confirm.', { reason: ErrorReason.REVOKED });
    await this.events.publish(
      new RegistrationConfirmationRequested(
        { grantId, userId: grant.userId },
        { organizationId: grant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return grant;
  }

  /**
   * Records that the person reached a milestone of the product (the person, an admin, or the
   * organisation's system with its API key). Recording it again keeps the first time.
   */
  @Transactional()
  async recordMilestone(actor: Actor, grantId: string, key: string): Promise<AccessGrant> {
    const grant = await this.grants.findOneBy({ id: grantId });
    if (!grant) throw new NotFoundError('AccessGrant', grantId);
    const ownGrant = actor.kind === 'user' && actor.userId === grant.userId;
    if (!ownGrant) await this.access.require(actor, grant.organizationId, { ...ADMIN, apiKey: true });
    if (grant.status === GrantStatus.REVOKED) throw new ConflictError('This access was revoked.', { reason: ErrorReason.REVOKED });
    const [product] = grant.productId ? await this.contracts.findProductsByIds([grant.productId]) : [];
    const known = product?.milestones.map((milestone) => milestone.key) ?? [];
    if (!known.includes(key)) {
      throw BadUserInputError.field(
        'key',
        known.length ? `is not a milestone of ${product!.name} (its keys: ${known.join(', ')})` : 'this product has no milestones',
      );
    }
    const inserted = await this.txHost.tx
      .getRepository(MilestoneCompletion)
      .createQueryBuilder()
      .insert()
      .values({ grantId, key, recordedByUserId: actorUserId(actor) })
      .orIgnore()
      .returning('grant_id')
      .execute();
    if ((inserted.raw as unknown[]).length) {
      await this.events.publish(
        new MilestoneRecorded(
          { grantId, userId: grant.userId, key },
          { organizationId: grant.organizationId, actorId: actorUserId(actor) },
        ),
      );
    }
    return grant;
  }

  /** The product's milestones with when each grant reached them, for many grants at once. */
  async milestonesOf(grants: readonly Pick<AccessGrant, 'id' | 'productId'>[]): Promise<MilestoneProgress[][]> {
    const productIds = [...new Set(grants.flatMap((grant) => grant.productId ?? []))];
    const products = new Map((productIds.length ? await this.contracts.findProductsByIds(productIds) : []).map((p: Product) => [p.id, p]));
    const completions = grants.length
      ? await this.txHost.tx.getRepository(MilestoneCompletion).findBy({ grantId: In(grants.map((grant) => grant.id)) })
      : [];
    const reached = new Map(completions.map((completion) => [`${completion.grantId}/${completion.key}`, completion.completedAt]));
    return grants.map((grant) =>
      (grant.productId ? (products.get(grant.productId)?.milestones ?? []) : []).map(({ key, label }) => ({
        key,
        label,
        completedAt: reached.get(`${grant.id}/${key}`) ?? null,
      })),
    );
  }

  /** The changes of many grants at once, oldest first. */
  async historyOf(grantIds: readonly string[]): Promise<GrantChange[][]> {
    const changes = grantIds.length
      ? await this.txHost.tx.getRepository(GrantChange).find({ where: { grantId: In([...grantIds]) }, order: { id: 'ASC' } })
      : [];
    return grantIds.map((id) => changes.filter((change) => change.grantId === id));
  }

  /** Ends the grants past their end date (run by the workers); returns how many. */
  @Transactional()
  async expireDue(): Promise<number> {
    const [expired] = (await this.txHost.tx.query(
      `UPDATE access_grant SET status = 'EXPIRED', updated_at = now()
        WHERE id IN (SELECT id FROM access_grant WHERE status = 'ACTIVE' AND ends_at <= now() ORDER BY ends_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, organization_id AS "organizationId", ends_at AS "endsAt"`,
      [EXPIRY_BATCH],
    )) as [{ id: string; organizationId: string; endsAt: Date }[], number];
    const byOrganization = new Map<string, string[]>();
    for (const row of expired) {
      await this.txHost.tx.getRepository(GrantChange).insert({
        id: newId(),
        grantId: row.id,
        kind: GrantChangeKind.EXPIRED,
        previousEndsAt: row.endsAt,
        newEndsAt: row.endsAt,
        reason: null,
        actorUserId: null,
      });
      byOrganization.set(row.organizationId, [...(byOrganization.get(row.organizationId) ?? []), row.id]);
    }
    for (const [organizationId, grantIds] of byOrganization) {
      await this.events.publish(new AccessExpired({ grantIds }, { organizationId }));
    }
    if (expired.length) this.logger.log({ message: 'Access expired', grants: expired.length });
    return expired.length;
  }

  private async load(actor: Actor, grantId: string, options: { lock?: boolean } = {}): Promise<AccessGrant> {
    const grant = await this.grants.findOne({
      where: { id: grantId },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!grant) throw new NotFoundError('AccessGrant', grantId);
    await this.access.require(actor, grant.organizationId, ADMIN);
    return grant;
  }

  private async recordChange(
    grant: AccessGrant,
    kind: GrantChangeKind,
    previousEndsAt: Date | null,
    newEndsAt: Date | null,
    reason: string | null,
    actorId: string | null,
  ): Promise<void> {
    await this.txHost.tx
      .getRepository(GrantChange)
      .insert({ id: newId(), grantId: grant.id, kind, previousEndsAt, newEndsAt, reason, actorUserId: actorId });
  }
}
