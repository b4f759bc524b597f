import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Alphabet,
  CodeFormat,
  CodeFormatError,
  CodeGenerator,
  describeGuessRisk,
  guessRisk,
  randomWidth,
  validateFormat,
} from '@tessera/codes';
import { BadUserInputError, newId, NotFoundError } from '@tessera/common';
import { EventBus, OnEventAfterCommit } from '@tessera/events';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { CodeStore } from './code-store';
import type { GenerateCodesInput } from './dto/batch.dto';
import { BatchSource, BatchStatus, CodeBatch } from './entities/code-batch.entity';
import { CodeBatchCompleted, CodeBatchRequested } from './events/inventory.events';

/** Codes are made and stored in chunks of this many: bounded memory, visible progress. */
const CHUNK = 50_000;

export type BatchRunResult = 'COMPLETED' | 'SKIPPED';

/**
 * Generates codes: checks the format and the guessing risk, then fills a batch through COPY.
 * Small batches complete within the request; large ones run after commit through the outbox
 * (at least once, retried), each run all-or-nothing.
 */
@Injectable()
export class CodeGenerationService {
  private readonly logger = new Logger('CodeGeneration');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly contracts: ContractsService,
    private readonly store: CodeStore,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get batches() {
    return this.txHost.tx.getRepository(CodeBatch);
  }

  @Transactional()
  async generate(actor: Actor, input: GenerateCodesInput): Promise<CodeBatch> {
    await this.access.requireOrganization(actor, input.organizationId, { role: MemberRole.ORG_ADMIN });
    const { inlineMax, generateMax, guessCeiling } = this.config.codes;
    if (input.quantity > generateMax) {
      throw BadUserInputError.field('quantity', `must be at most ${generateMax.toLocaleString('en')} per generation.`);
    }
    const contract = input.contractId ? await this.contracts.contractOf(input.organizationId, input.contractId) : null;
    if (input.priceId) await this.contracts.usablePrice(input.organizationId, input.priceId, contract?.id);
    const format = this.format({
      alphabet: Alphabet.DEFAULT,
      width: input.width,
      prefix: input.prefix ?? contract?.invitationPrefix ?? '',
      checkCharacter: input.checkCharacter ?? false,
    });

    const live = await this.store.liveCodesOfShape(format.prefix, format.prefix.length + format.width);
    const risk = guessRisk(format.alphabet.size, randomWidth(format), live + input.quantity);
    if (risk.chancePerGuess > guessCeiling) {
      const offset = format.width - randomWidth(format);
      throw BadUserInputError.field('width', describeGuessRisk(risk, guessCeiling, offset));
    }

    const batch = this.batches.create({
      id: newId(),
      organizationId: input.organizationId,
      source: BatchSource.GENERATED,
      status: BatchStatus.PENDING,
      progress: 0,
      requestedQuantity: input.quantity,
      createdCount: 0,
      contractId: contract?.id ?? null,
      priceId: input.priceId ?? null,
      codeType: input.codeType ?? null,
      expiresAt: input.expiresAt ?? null,
      prefix: format.prefix,
      width: format.width,
      checkCharacter: format.checkCharacter,
      failureReason: null,
      createdById: actorUserId(actor),
      completedAt: null,
    });
    await this.batches.insert(batch);
    if (input.quantity <= inlineMax) {
      await this.fill(batch, format);
      return this.complete(batch);
    }
    await this.events.publish(
      new CodeBatchRequested({ batchId: batch.id }, { organizationId: batch.organizationId, actorId: batch.createdById }),
    );
    return (await this.batches.findOneBy({ id: batch.id }))!;
  }

  @OnEventAfterCommit(CodeBatchRequested)
  async onBatchRequested(event: CodeBatchRequested): Promise<void> {
    await this.run(event.payload.batchId);
  }

  /**
   * Fills a PENDING batch in one transaction. Safe to call twice at once or after a crash: an
   * advisory lock lets one run at a time, and a completed batch is left alone.
   */
  async run(batchId: string, onProgress?: (done: number, total: number) => void): Promise<BatchRunResult> {
    try {
      return await this.runInTransaction(batchId, onProgress);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.dataSource.query(`UPDATE code_batch SET status = 'FAILED', failure_reason = $2 WHERE id = $1 AND status <> 'COMPLETED'`, [
        batchId,
        reason,
      ]);
      this.logger.error({ message: 'Batch generation failed; the queue retries it', batchId, reason });
      throw error;
    }
  }

  @Transactional()
  private async runInTransaction(batchId: string, onProgress?: (done: number, total: number) => void): Promise<BatchRunResult> {
    const [{ locked }] = await this.txHost.tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
      batchId,
    ]);
    if (!locked) return 'SKIPPED';
    const batch = await this.batches.findOneBy({ id: batchId });
    if (!batch) throw new NotFoundError('CodeBatch', batchId);
    if (batch.status === BatchStatus.COMPLETED) return 'SKIPPED';
    const format = this.format({
      alphabet: Alphabet.DEFAULT,
      width: batch.width!,
      prefix: batch.prefix ?? '',
      checkCharacter: batch.checkCharacter,
    });
    await this.fill(batch, format, async (done) => {
      onProgress?.(done, batch.requestedQuantity);
      // Outside the transaction, so the batch's progress shows while it runs.
      await this.dataSource.query(`UPDATE code_batch SET status = 'RUNNING', progress = $2, failure_reason = NULL WHERE id = $1`, [
        batch.id,
        Math.floor((done / batch.requestedQuantity) * 100),
      ]);
    });
    await this.complete(batch);
    return 'COMPLETED';
  }

  /** Makes and stores codes until the batch holds all it asked for; collisions are simply redrawn. */
  private async fill(batch: CodeBatch, format: CodeFormat, onChunk?: (done: number) => Promise<void>): Promise<void> {
    const generator = new CodeGenerator(format);
    const defaults = {
      organizationId: batch.organizationId,
      batchId: batch.id,
      contractId: batch.contractId,
      priceId: batch.priceId,
      codeType: batch.codeType,
      expiresAt: batch.expiresAt,
    };
    let done = 0;
    for (let rounds = 0; done < batch.requestedQuantity; rounds++) {
      if (rounds > batch.requestedQuantity / CHUNK + 20) throw new Error('Too many collisions: the code space is nearly full.');
      const wanted = Math.min(CHUNK, batch.requestedQuantity - done);
      const codes = [...new Set(generator.generate(wanted))];
      done += (await this.store.insertCodes(codes, defaults)).count;
      await onChunk?.(done);
    }
    batch.createdCount = done;
  }

  private async complete(batch: CodeBatch): Promise<CodeBatch> {
    await this.batches.update(
      { id: batch.id },
      { status: BatchStatus.COMPLETED, progress: 100, createdCount: batch.createdCount, completedAt: new Date(), failureReason: null },
    );
    await this.events.publish(
      new CodeBatchCompleted(
        { batchId: batch.id, source: batch.source, count: batch.createdCount },
        { organizationId: batch.organizationId, actorId: batch.createdById },
      ),
    );
    return (await this.batches.findOneBy({ id: batch.id }))!;
  }

  private format(format: CodeFormat): CodeFormat {
    try {
      return validateFormat(format);
    } catch (error) {
      if (error instanceof CodeFormatError) throw BadUserInputError.field(error.field, error.message);
      throw error;
    }
  }
}
