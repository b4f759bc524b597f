import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ErrorCode, ErrorReason, type ErrorReasonOf, newId, NotFoundError, readCsv, uploadedFile } from '@tessera/common';
import { EventBus, OnEventInTransaction } from '@tessera/events';
import type { Writable } from 'node:stream';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import type { Participant } from '../contracts/entities/participant.entity';
import { ParticipantsService } from '../contracts/participants.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { CodeGenerationService } from '../inventory/code-generation.service';
import { CodesService } from '../inventory/codes.service';
import { BatchSource } from '../inventory/entities/code-batch.entity';
import type { Code } from '../inventory/entities/code.entity';
import { CodeVoided } from '../inventory/events/inventory.events';
import type { GenerateParticipantCodeInput, UploadParticipantCodesInput } from './dto/participant-codes.dto';
import { ParticipantImport, ParticipantImportStatus } from './entities/participant-import.entity';
import { ParticipantCodesAssigned } from './events/distribution.events';
import { checkUpload, LISTED_PROBLEMS, participantRows, type ParticipantWithCode, writeParticipantsCsv } from './participants-csv';

/** Why an import that is not VALID cannot be completed. */
const NOT_COMPLETABLE: Record<
  Exclude<ParticipantImportStatus, ParticipantImportStatus.VALID>,
  { message: string; reason: ErrorReasonOf<ErrorCode.CONFLICT> }
> = {
  INVALID: { message: 'This file has problems: fix them and upload it again.', reason: ErrorReason.IMPORT_HAS_PROBLEMS },
  COMPLETED: { message: 'This import is already complete.', reason: ErrorReason.IMPORT_COMPLETED },
};

/**
 * Codes for a contract's participants: one at a time, or through the spreadsheet round trip —
 * download, fill Price Code, upload (checked, nothing written), complete (one transaction).
 */
@Injectable()
export class ParticipantCodesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly participants: ParticipantsService,
    private readonly contracts: ContractsService,
    private readonly codes: CodesService,
    private readonly generation: CodeGenerationService,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get imports() {
    return this.txHost.tx.getRepository(ParticipantImport);
  }

  @Transactional()
  async generateForParticipant(actor: Actor, input: GenerateParticipantCodeInput): Promise<{ participant: Participant; code: Code }> {
    const participant = await this.participants.lock(actor, input.participantId);
    if (participant.codeId) {
      throw new ConflictError('This participant already has a code.', {
        reason: ErrorReason.PARTICIPANT_HAS_CODE,
        codeId: participant.codeId,
      });
    }
    const { codes } = await this.generation.generateNow(
      actor,
      {
        organizationId: participant.organizationId,
        contractId: participant.contractId,
        priceId: input.priceId,
        quantity: 1,
        width: input.width,
        checkCharacter: input.checkCharacter,
      },
      BatchSource.PARTICIPANT,
    );
    await this.participants.assignCodes([{ participantId: participant.id, codeId: codes[0].id }]);
    await this.events.publish(
      new ParticipantCodesAssigned(
        { contractId: participant.contractId, count: 1 },
        { organizationId: participant.organizationId, actorId: actorUserId(actor) },
      ),
    );
    const [code] = await this.codes.findByIds([codes[0].id]);
    return { participant: await this.participants.get(actor, participant.id), code };
  }

  /** The participants CSV: everyone of the contract, with their code and its price once they have one. */
  async writeCsv(actor: Actor, contractId: string): Promise<(output: Writable) => Promise<void>> {
    const items = await this.withCodes((await this.participants.allOf(actor, contractId)).participants);
    const prices = new Map(
      (await this.contracts.findPricesByIds([...new Set(items.flatMap((i) => i.code?.priceId ?? []))])).map((p) => [p.id, p]),
    );
    const rows = participantRows(items, prices);
    return (output) => writeParticipantsCsv(rows, output);
  }

  /**
   * Checks an uploaded file and records the result; writes nothing else. No transaction: the file
   * may still be arriving, and a single insert needs none.
   */
  async upload(actor: Actor, input: UploadParticipantCodesInput): Promise<ParticipantImport> {
    const { contract, participants } = await this.participants.allOf(actor, input.contractId, { forChange: true });
    await this.access.require(actor, contract.organizationId, { role: MemberRole.ORG_ADMIN });
    const file = await uploadedFile(input.file);
    const { headers, rows } = await readCsv(file.createReadStream(), {
      field: 'file',
      maxBytes: this.config.uploads.maxBytes,
      maxRows: this.config.codes.importMaxLines,
    });
    const items = await this.withCodes(participants);
    const { allowed, knownCodes } = await this.participants.pricesOfContract(contract);
    const { problems, assignments } = checkUpload(headers, rows, new Map(items.map((i) => [i.participant.id, i])), allowed, knownCodes);
    const record = this.imports.create({
      id: newId(),
      organizationId: contract.organizationId,
      contractId: contract.id,
      status: problems.length ? ParticipantImportStatus.INVALID : ParticipantImportStatus.VALID,
      fileName: file.filename.slice(0, 255),
      rowCount: rows.length,
      assignmentCount: assignments.length,
      width: input.width,
      checkCharacter: input.checkCharacter,
      problems: problems.slice(0, LISTED_PROBLEMS),
      assignments: problems.length ? [] : assignments,
      createdById: actorUserId(actor),
      completedAt: null,
    });
    await this.imports.insert(record);
    return record;
  }

  async getImport(actor: Actor, importId: string): Promise<ParticipantImport> {
    const record = await this.imports.findOneBy({ id: importId });
    if (!record) throw new NotFoundError('ParticipantImport', importId);
    await this.access.require(actor, record.organizationId, { role: MemberRole.ORG_ADMIN, apiKey: true });
    return record;
  }

  /**
   * Generates and assigns the codes of a VALID import in one transaction. A participant changed
   * since the check makes it CONFLICT, and nothing is written.
   */
  @Transactional()
  async complete(actor: Actor, importId: string): Promise<ParticipantImport> {
    const record = await this.imports.findOne({ where: { id: importId }, lock: { mode: 'pessimistic_write' } });
    if (!record) throw new NotFoundError('ParticipantImport', importId);
    await this.access.require(actor, record.organizationId, { role: MemberRole.ORG_ADMIN });
    if (record.status !== ParticipantImportStatus.VALID) {
      const { message, reason } = NOT_COMPLETABLE[record.status];
      throw new ConflictError(message, { reason });
    }
    // Participants first, in id order, the order every other writer takes them in too: no deadlock
    // with a single generateParticipantCode, and a changed participant fails before any code is made.
    await this.participants.lockForAssignment(record.assignments.map((a) => ({ participantId: a.participantId, version: a.version })));
    const byPrice = new Map<string, typeof record.assignments>();
    for (const assignment of record.assignments) {
      const group = byPrice.get(assignment.priceId);
      if (group) group.push(assignment);
      else byPrice.set(assignment.priceId, [assignment]);
    }
    for (const [priceId, assignments] of byPrice) {
      const { codes } = await this.generation.generateNow(
        actor,
        {
          organizationId: record.organizationId,
          contractId: record.contractId,
          priceId,
          quantity: assignments.length,
          width: record.width,
          checkCharacter: record.checkCharacter,
        },
        BatchSource.PARTICIPANT,
      );
      await this.participants.assignCodes(
        assignments.map((assignment, i) => ({ participantId: assignment.participantId, codeId: codes[i].id, version: assignment.version })),
      );
    }
    await this.imports.update({ id: record.id }, { status: ParticipantImportStatus.COMPLETED, completedAt: new Date() });
    await this.events.publish(
      new ParticipantCodesAssigned(
        { contractId: record.contractId, count: record.assignments.length, importId: record.id },
        { organizationId: record.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return (await this.imports.findOneBy({ id: record.id }))!;
  }

  /** A participant whose code is voided may be given a new one. */
  @OnEventInTransaction(CodeVoided)
  async onCodeVoided(event: CodeVoided): Promise<void> {
    await this.participants.releaseCode(event.payload.codeId);
  }

  /** The participants with their codes (one query for all the codes). */
  private async withCodes(participants: Participant[]): Promise<ParticipantWithCode[]> {
    const codes = new Map((await this.codes.findByIds(participants.flatMap((p) => p.codeId ?? []))).map((c) => [c.id, c]));
    return participants.map((participant) => {
      const code = participant.codeId ? codes.get(participant.codeId) : undefined;
      return { participant, code: code ? { code: code.code, priceId: code.priceId } : null };
    });
  }
}
