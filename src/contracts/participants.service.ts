import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  ErrorReason,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
  type ConnectionShape,
} from '@tessera/common';
import { In } from 'typeorm';
import { EventBus } from '@tessera/events';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import type { CreateParticipantInput, ParticipantFilter, UpdateParticipantInput } from './dto/participant.dto';
import { Contract, ContractStatus } from './entities/contract.entity';
import { Participant } from './entities/participant.entity';
import { Price } from './entities/price.entity';
import { ParticipantAdded, ParticipantChanged, ParticipantRemoved } from './events/participant.events';

const ADMIN = { role: MemberRole.ORG_ADMIN, apiKey: true };

/** People within a contract: the organisation's admins manage them. */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

  private get participants() {
    return this.txHost.tx.getRepository(Participant);
  }

  /** The contract, after checking the caller administers its organisation; `forChange` refuses an archived one. */
  async contractFor(actor: Actor, contractId: string, options: { forChange?: boolean } = {}): Promise<Contract> {
    const contract = await this.txHost.tx.getRepository(Contract).findOneBy({ id: contractId });
    if (!contract) throw new NotFoundError('Contract', contractId);
    await this.access.require(actor, contract.organizationId, ADMIN);
    if (options.forChange && contract.status === ContractStatus.ARCHIVED) {
      throw new ConflictError('This contract is archived: its participants and codes can no longer change.', {
        reason: ErrorReason.CONTRACT_ARCHIVED,
      });
    }
    return contract;
  }

  async list(actor: Actor, contractId: string, page: PageArgs, filter: ParticipantFilter = {}): Promise<ConnectionShape<Participant>> {
    await this.contractFor(actor, contractId);
    const query = this.participants.createQueryBuilder('participant').where('participant.contract_id = :contractId', { contractId });
    if (filter.hasCode !== undefined && filter.hasCode !== null) {
      query.andWhere(filter.hasCode ? 'participant.code_id IS NOT NULL' : 'participant.code_id IS NULL');
    }
    if (filter.search?.trim()) {
      query.andWhere(
        `(participant.first_name || ' ' || participant.last_name ILIKE :term OR participant.email ILIKE :term
          OR participant.phone ILIKE :term OR participant.external_reference ILIKE :term)`,
        { term: containsPattern(filter.search.trim()) },
      );
    }
    return paginate(query, page);
  }

  /** Every participant of a contract, oldest first (the CSV round trip). */
  async allOf(
    actor: Actor,
    contractId: string,
    options: { forChange?: boolean } = {},
  ): Promise<{ contract: Contract; participants: Participant[] }> {
    const contract = await this.contractFor(actor, contractId, options);
    return { contract, participants: await this.participants.find({ where: { contractId }, order: { id: 'ASC' } }) };
  }

  async get(actor: Actor, participantId: string): Promise<Participant> {
    const participant = await this.participants.findOneBy({ id: participantId });
    if (!participant) throw new NotFoundError('Participant', participantId);
    await this.access.require(actor, participant.organizationId, ADMIN);
    return participant;
  }

  findByIds(ids: readonly string[]): Promise<Participant[]> {
    // One array parameter: IN (...) would need a parameter per id, and PostgreSQL stops at 65,535.
    return this.participants
      .createQueryBuilder('participant')
      .where('participant.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /**
   * Locks the participants about to get codes, in id order, and checks each is still the version
   * that was checked and has no code: CONFLICT otherwise.
   */
  async lockForAssignment(assignments: { participantId: string; version: number }[]): Promise<void> {
    if (assignments.length === 0) return;
    const rows = await this.txHost.tx.query<{ id: string; version: number; code_id: string | null }[]>(
      'SELECT id, version, code_id FROM participant WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [assignments.map((a) => a.participantId)],
    );
    const current = new Map(rows.map((row) => [row.id, row]));
    const changed = assignments.filter((a) => {
      const row = current.get(a.participantId);
      return !row || row.version !== a.version || row.code_id !== null;
    });
    if (changed.length > 0) {
      throw new ConflictError(
        'Some participants changed, were removed or got a code since the check: download the list and upload it again.',
        { reason: ErrorReason.PARTICIPANTS_CHANGED, changed: changed.length },
      );
    }
  }

  /** Frees a participant's code slot when their code is voided, so they can be given a new one. */
  async releaseCode(codeId: string): Promise<void> {
    await this.txHost.tx.query('UPDATE participant SET code_id = NULL, version = version + 1, updated_at = now() WHERE code_id = $1', [
      codeId,
    ]);
  }

  /** The participant whose own code this is (registration look-up). */
  findByCodeId(codeId: string): Promise<Participant | null> {
    return this.participants.findOneBy({ codeId });
  }

  findByCodeIds(codeIds: readonly string[]): Promise<Participant[]> {
    return this.participants.findBy({ codeId: In([...codeIds]) });
  }

  @Transactional()
  async create(actor: Actor, input: CreateParticipantInput): Promise<Participant> {
    const contract = await this.contractFor(actor, input.contractId, { forChange: true });
    const participant = this.participants.create({
      id: newId(),
      organizationId: contract.organizationId,
      contractId: contract.id,
      firstName: input.firstName.trim(),
      lastName: input.lastName.trim(),
      ...details(input),
      codeId: null,
    });
    await this.participants.save(participant);
    await this.events.publish(
      new ParticipantAdded(
        { participantId: participant.id, contractId: contract.id },
        { organizationId: contract.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return participant;
  }

  @Transactional()
  async update(actor: Actor, input: UpdateParticipantInput): Promise<Participant> {
    const participant = await this.lock(actor, input.participantId);
    Object.assign(participant, details(input));
    if (input.firstName !== undefined) participant.firstName = input.firstName.trim();
    if (input.lastName !== undefined) participant.lastName = input.lastName.trim();
    await this.participants.save(participant);
    await this.events.publish(
      new ParticipantChanged(
        { participantId: participant.id },
        { organizationId: participant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return participant;
  }

  /** Removes the person; their code, if any, stays in the inventory (void it there if needed). */
  @Transactional()
  async remove(actor: Actor, participantId: string): Promise<Participant> {
    const participant = await this.lock(actor, participantId);
    await this.participants.delete({ id: participant.id });
    await this.events.publish(
      new ParticipantRemoved(
        { participantId: participant.id, codeId: participant.codeId },
        { organizationId: participant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return participant;
  }

  /**
   * Gives participants their codes in the caller's transaction, in one statement: only those who
   * have none yet and, when a version is given, whose row is still the version the caller checked.
   * CONFLICT (and the caller's transaction rolls back) if any of them is not.
   */
  async assignCodes(assignments: { participantId: string; codeId: string; version?: number }[]): Promise<void> {
    if (assignments.length === 0) return;
    // For UPDATE … RETURNING, TypeORM's PostgreSQL driver answers [rows, affected count].
    const [rows] = await this.txHost.tx.query<[{ id: string }[], number]>(
      `UPDATE participant p SET code_id = a.code_id, version = p.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS a(participant_id, code_id, version)
        WHERE p.id = a.participant_id AND p.code_id IS NULL AND (a.version IS NULL OR p.version = a.version)
       RETURNING p.id`,
      [assignments.map((a) => a.participantId), assignments.map((a) => a.codeId), assignments.map((a) => a.version ?? null)],
    );
    if (rows.length !== assignments.length) {
      throw new ConflictError('Some participants changed or got a code since the check: download the list and upload it again.', {
        reason: ErrorReason.PARTICIPANTS_CHANGED,
        changed: assignments.length - rows.length,
      });
    }
  }

  /** The prices a contract allows, and the price codes the organisation could use at all. */
  async pricesOfContract(contract: Contract): Promise<{ allowed: Price[]; knownCodes: Set<string> }> {
    const allowed = await this.txHost.tx
      .getRepository(Price)
      .createQueryBuilder('price')
      .innerJoin('contract_price', 'cp', 'cp.price_id = price.id AND cp.contract_id = :contractId', { contractId: contract.id })
      .getMany();
    const usable = await this.txHost.tx.query<{ price_code: string }[]>(
      `SELECT DISTINCT upper(price.price_code) AS price_code FROM price JOIN product ON product.id = price.product_id
        WHERE product.owner_organization_id IS NULL OR product.owner_organization_id = $1`,
      [contract.organizationId],
    );
    return { allowed, knownCodes: new Set(usable.map((row) => row.price_code)) };
  }

  /** Locks and loads a participant for a change. */
  async lock(actor: Actor, participantId: string): Promise<Participant> {
    const participant = await this.participants.findOne({ where: { id: participantId }, lock: { mode: 'pessimistic_write' } });
    if (!participant) throw new NotFoundError('Participant', participantId);
    await this.access.require(actor, participant.organizationId, { role: MemberRole.ORG_ADMIN });
    return participant;
  }
}

function details(input: Partial<Pick<Participant, 'email' | 'phone' | 'dateOfBirth' | 'externalReference'>>): Partial<Participant> {
  const clean = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null);
  const result: Partial<Participant> = {};
  if (input.email !== undefined) result.email = clean(input.email)?.toLowerCase() ?? null;
  if (input.phone !== undefined) result.phone = clean(input.phone) ?? null;
  if (input.dateOfBirth !== undefined) result.dateOfBirth = clean(input.dateOfBirth) ?? null;
  if (input.externalReference !== undefined) result.externalReference = clean(input.externalReference) ?? null;
  return result;
}
