import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { displayCode, normalizeCode } from '@tessera/codes';
import { ConflictError, containsPattern, ErrorReason, NotFoundError, PageArgs, paginate, type ConnectionShape } from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { Writable } from 'node:stream';
import { In, SelectQueryBuilder } from 'typeorm';
import { ContractsService } from '../contracts/contracts.service';
import { AccessPolicy, type RoleRequirement } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { ApiKeyScope } from '../identity/auth/api-key-scope';
import { MemberRole } from '../identity/entities/membership.entity';
import { CodeStore } from './code-store';
import type { CodeFilter, UpdateCodeInput } from './dto/code.dto';
import type { InventoryGroup, InventorySummary, StatusCount } from './dto/batch.dto';
import { CodeBatch } from './entities/code-batch.entity';
import { Code, CodeStatus } from './entities/code.entity';
import { CodeUpdated, CodeVoided } from './events/inventory.events';

const ADMIN = { role: MemberRole.ORG_ADMIN, apiKey: true };
/** Who may see an organisation's codes and batches: its admins and its API keys. */
export const CODE_READERS = ADMIN;
/** The list also takes a platform key with `codes:read`, for any organisation (a storefront showing a customer its codes). */
const LIST = { ...ADMIN, scope: ApiKeyScope.CODES_READ };

/** An organisation's codes: list, search, look up, change, void, export, summarise. */
@Injectable()
export class CodesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
    private readonly store: CodeStore,
    private readonly contracts: ContractsService,
  ) {}

  private get codes() {
    return this.txHost.tx.getRepository(Code);
  }

  async list(actor: Actor, organizationId: string, page: PageArgs, filter: CodeFilter = {}): Promise<ConnectionShape<Code>> {
    await this.access.requireOrganization(actor, organizationId, LIST);
    await this.checkFilter(organizationId, filter);
    return paginate(this.filtered(organizationId, filter), page);
  }

  /** Checks access first, then hands back the writer, so a refusal is answered before any byte. */
  async export(actor: Actor, organizationId: string, filter: CodeFilter): Promise<(output: Writable) => Promise<void>> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    await this.checkFilter(organizationId, filter);
    return (output) => this.store.exportCsv(this.filtered(organizationId, filter), output);
  }

  /** A filter naming another organisation's batch, contract or price is NOT_FOUND, as using that id anywhere else is. */
  private async checkFilter(organizationId: string, filter: CodeFilter): Promise<void> {
    if (filter.batchId && !(await this.txHost.tx.getRepository(CodeBatch).existsBy({ id: filter.batchId, organizationId }))) {
      throw new NotFoundError('CodeBatch', filter.batchId);
    }
    if (filter.contractId) await this.contracts.contractOf(organizationId, filter.contractId, true);
    if (filter.priceId) await this.contracts.usablePrice(organizationId, filter.priceId);
  }

  async get(actor: Actor, id: string): Promise<Code> {
    const code = await this.codes.findOneBy({ id });
    if (!code) throw new NotFoundError('Code', id);
    await this.access.require(actor, code.organizationId, ADMIN);
    return code;
  }

  /** By the code itself, as typed. Another organisation's code is NOT_FOUND: no hint that it exists. */
  async getByValue(actor: Actor, typed: string): Promise<Code> {
    const code = await this.codes.findOneBy({ code: normalizeCode(typed) });
    if (!code || !(await this.access.allows(actor, code.organizationId, ADMIN))) throw new NotFoundError('Code', typed);
    return code;
  }

  /** By canonical value, without an access check: for flows that have their own (registration look-up). */
  findByValue(canonical: string): Promise<Code | null> {
    return this.codes.findOneBy({ code: canonical });
  }

  findByIds(ids: readonly string[]): Promise<Code[]> {
    // One array parameter: IN (...) would need a parameter per id, and PostgreSQL stops at 65,535.
    return this.codes
      .createQueryBuilder('code')
      .where('code.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  async listBatches(actor: Actor, organizationId: string, page: PageArgs): Promise<ConnectionShape<CodeBatch>> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    const query = this.txHost.tx
      .getRepository(CodeBatch)
      .createQueryBuilder('batch')
      .where('batch.organization_id = :organizationId', { organizationId });
    return paginate(query, page);
  }

  async getBatch(actor: Actor, id: string): Promise<CodeBatch> {
    const batch = await this.txHost.tx.getRepository(CodeBatch).findOneBy({ id });
    if (!batch) throw new NotFoundError('CodeBatch', id);
    await this.access.require(actor, batch.organizationId, ADMIN);
    return batch;
  }

  findBatchesByIds(ids: readonly string[]): Promise<CodeBatch[]> {
    return this.txHost.tx.getRepository(CodeBatch).findBy({ id: In([...ids]) });
  }

  @Transactional()
  async update(actor: Actor, input: UpdateCodeInput): Promise<Code> {
    const code = await this.lock(actor, input.codeId);
    if (code.status === CodeStatus.VOID) {
      throw new ConflictError('This code is void: it cannot change any more.', { reason: ErrorReason.VOID });
    }
    const changes: Partial<Pick<Code, 'adminComment' | 'expiresAt' | 'codeType'>> = {};
    if (input.adminComment !== undefined) changes.adminComment = input.adminComment?.trim() || null;
    if (input.expiresAt !== undefined) changes.expiresAt = input.expiresAt;
    if (input.codeType !== undefined) changes.codeType = input.codeType;
    if (Object.keys(changes).length === 0) return code;
    await this.codes.update({ id: code.id }, changes);
    await this.events.publish(
      new CodeUpdated({ codeId: code.id, changes }, { organizationId: code.organizationId, actorId: actorUserId(actor) }),
    );
    return (await this.codes.findOneBy({ id: code.id }))!;
  }

  /** VOID is final; a redeemed code must have its access revoked first. */
  @Transactional()
  async void(actor: Actor, codeId: string, reason: string | null = null): Promise<Code> {
    const code = await this.lock(actor, codeId);
    if (code.status === CodeStatus.VOID) throw new ConflictError('This code is already void.', { reason: ErrorReason.VOID });
    if (code.status === CodeStatus.REDEEMED) {
      throw new ConflictError('This code is redeemed: revoke the access first, then void the code.', { reason: ErrorReason.REDEEMED });
    }
    await this.codes.update({ id: code.id }, { status: CodeStatus.VOID });
    await this.events.publish(
      new CodeVoided(
        { codeId: code.id, code: code.code, previousStatus: code.status, reason },
        { organizationId: code.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return (await this.codes.findOneBy({ id: code.id }))!;
  }

  /**
   * Moves a code between states in one guarded UPDATE, for the modules that put codes to use
   * (access redeems and releases, invitations hold). Null when the code was in none of `from`:
   * someone else got there first.
   */
  @Transactional()
  async transition(codeId: string, from: CodeStatus[], to: CodeStatus): Promise<Code | null> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE code SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY($3::code_status[]) RETURNING id`,
      [codeId, to, from],
    )) as [{ id: string }[], number];
    return rows.length ? this.codes.findOneBy({ id: codeId }) : null;
  }

  /** Moves these codes from one of `from` to `to` in one guarded statement; the ids of those that moved. */
  async transitionMany(codeIds: readonly string[], from: CodeStatus[], to: CodeStatus): Promise<string[]> {
    if (!codeIds.length) return [];
    const [rows] = (await this.txHost.tx.query(
      `UPDATE code SET status = $2, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = ANY($3::code_status[]) RETURNING id`,
      [[...codeIds], to, from],
    )) as [{ id: string }[], number];
    return rows.map((row) => row.id);
  }

  /**
   * Locks one code row for the caller's transaction (no access check: for modules with their own).
   * Callers that also change rows pointing at the code lock the code first, so they never deadlock.
   */
  @Transactional()
  lockById(codeId: string): Promise<Code | null> {
    return this.codes.findOne({ where: { id: codeId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks code rows in id order (a fixed order, so two callers never deadlock); no access check. */
  @Transactional()
  lockByIds(codeIds: readonly string[]): Promise<Code[]> {
    return this.codes
      .createQueryBuilder('code')
      .where('code.id = ANY(:ids)', { ids: [...codeIds] })
      .orderBy('code.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Records who a code was last sent to, in one guarded UPDATE. Null when the code is no longer
   * AVAILABLE: a redemption, an invitation or a void that got there first wins, and no send is
   * recorded on a code that cannot be used.
   */
  @Transactional()
  async recordSend(codeId: string, sent: { email: string; name: string; at: Date }): Promise<Code | null> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE code SET last_sent_to_email = $2, last_sent_to_name = $3, last_sent_at = $4, updated_at = now()
        WHERE id = $1 AND status = 'AVAILABLE' RETURNING id`,
      [codeId, sent.email, sent.name, sent.at],
    )) as [{ id: string }[], number];
    return rows.length ? this.codes.findOneBy({ id: codeId }) : null;
  }

  /** The code for people to read, as mail shows it (see `displayCodeOf`). */
  async displayForm(code: Code): Promise<string> {
    const [batch] = await this.findBatchesByIds([code.batchId]);
    return displayCodeOf(code, batch ?? null);
  }

  /**
   * Locks `count` codes of a price that can be handed out as seats: AVAILABLE, not expired, not a
   * contract's (those go to participants); never-sent ones first. Rows another transaction holds
   * are skipped, so two admins handing out seats at once take different codes. Too few: CONFLICT
   * with the counts, and the caller's transaction does nothing.
   */
  @Transactional()
  async lockSeats(organizationId: string, priceId: string, count: number): Promise<Code[]> {
    const seats = await this.seatQuery(organizationId, priceId)
      .orderBy('code.last_sent_at IS NOT NULL')
      .addOrderBy('code.id')
      .limit(count)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (seats.length < count) {
      throw new ConflictError(`${count} seats asked for, ${seats.length} free: nothing was done.`, {
        reason: ErrorReason.NOT_ENOUGH_SEATS,
        requested: count,
        available: seats.length,
      });
    }
    return seats;
  }

  /** How many seats of a price are free (what `lockSeats` could take). */
  countSeats(organizationId: string, priceId: string): Promise<number> {
    return this.seatQuery(organizationId, priceId).getCount();
  }

  private seatQuery(organizationId: string, priceId: string): SelectQueryBuilder<Code> {
    return this.codes
      .createQueryBuilder('code')
      .where('code.organization_id = :organizationId AND code.price_id = :priceId', { organizationId, priceId })
      .andWhere(`code.status = 'AVAILABLE' AND code.contract_id IS NULL AND (code.expires_at IS NULL OR code.expires_at > now())`);
  }

  async summary(actor: Actor, organizationId: string): Promise<InventorySummary> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    const rows = await this.store.summary(organizationId);
    const group = (key: (row: (typeof rows)[number]) => string | null): InventoryGroup[] => {
      const groups = new Map<string | null, typeof rows>();
      for (const row of rows) {
        const members = groups.get(key(row));
        if (members) members.push(row);
        else groups.set(key(row), [row]);
      }
      return [...groups].map(([id, members]) => ({ id, ...counts(members) }));
    };
    return { ...counts(rows), byPrice: group((row) => row.priceId), byBatch: group((row) => row.batchId) };
  }

  /** The filter of the list and the export, once: both see the same codes. */
  private filtered(organizationId: string, filter: CodeFilter): SelectQueryBuilder<Code> {
    const query = this.codes.createQueryBuilder('code').where('code.organization_id = :organizationId', { organizationId });
    if (filter.status?.length) query.andWhere('code.status IN (:...statuses)', { statuses: filter.status });
    if (filter.batchId) query.andWhere('code.batch_id = :batchId', { batchId: filter.batchId });
    if (filter.contractId) query.andWhere('code.contract_id = :contractId', { contractId: filter.contractId });
    if (filter.priceId) query.andWhere('code.price_id = :priceId', { priceId: filter.priceId });
    if (filter.codeType) query.andWhere('code.code_type = :codeType', { codeType: filter.codeType });
    if (filter.createdAfter) query.andWhere('code.created_at >= :createdAfter', { createdAfter: filter.createdAfter });
    if (filter.createdBefore) query.andWhere('code.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    if (filter.lastSentTo?.trim()) {
      query.andWhere('(code.last_sent_to_email ILIKE :sentTo OR code.last_sent_to_name ILIKE :sentTo)', {
        sentTo: containsPattern(filter.lastSentTo.trim()),
      });
    }
    if (filter.search?.trim()) {
      // The stored search_text is lower case; a code typed with hyphens or spaces still matches.
      const term = filter.search.trim().toLowerCase();
      query.andWhere('(code.search_text LIKE :term OR code.code = :canonical)', {
        term: containsPattern(term),
        canonical: normalizeCode(term),
      });
    }
    return query;
  }

  /**
   * Locks a code for a change (SELECT … FOR UPDATE, held until the caller's transaction ends; TypeORM
   * refuses it outside one), then checks the caller against the organisation that holds it.
   */
  async lock(actor: Actor, codeId: string, requirement: RoleRequirement = { role: MemberRole.ORG_ADMIN }): Promise<Code> {
    const code = await this.codes.findOne({ where: { id: codeId }, lock: { mode: 'pessimistic_write' } });
    if (!code) throw new NotFoundError('Code', codeId);
    await this.access.require(actor, code.organizationId, requirement);
    return code;
  }
}

/** The code for people to read: the batch's prefix, then groups of four joined by hyphens. */
export function displayCodeOf(code: Pick<Code, 'code'>, batch: Pick<CodeBatch, 'prefix'> | null): string {
  return displayCode(code.code, { prefixLength: batch?.prefix?.length ?? 0 });
}

function counts(rows: { status: string; count: number }[]): { total: number; byStatus: StatusCount[] } {
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.count);
  return {
    total: [...byStatus.values()].reduce((sum, n) => sum + n, 0),
    byStatus: Object.values(CodeStatus).map((status) => ({ status, count: byStatus.get(status) ?? 0 })),
  };
}
