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
import { BadUserInputError, newId } from '@tessera/common';
import { JobHandler, JobProcessor, JobQueue, type Job } from '@tessera/queue';
import { EventBus, OnEventAfterCommit } from '@tessera/events';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { BatchProgress } from './batch-progress';
import { CodeStore } from './code-store';
import { CHUNK, progressChunk } from './progress-chunk';
import type { GenerateCodesInput } from './dto/batch.dto';
import { BatchSource, BatchStatus, CodeBatch } from './entities/code-batch.entity';
import { CodeBatchCompleted, CodeBatchRequested } from './events/inventory.events';

export type BatchRunResult = 'COMPLETED' | 'SKIPPED';

export const INVENTORY_QUEUE = 'inventory';
export const GENERATE_BATCH_JOB = 'generate-batch';

class BatchBusyError extends Error {
  constructor(batchId: string) {
    super(`Batch ${batchId} is being filled by another process.`);
  }
}

/**
 * Generates codes: checks the format and the guessing risk, then fills a batch through COPY.
 * Small batches complete within the request; large ones run after commit through the outbox
 * (at least once, retried), each run all-or-nothing.
 */
@Injectable()
@JobProcessor(INVENTORY_QUEUE)
export class CodeGenerationService {
  private readonly logger = new Logger('CodeGeneration');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly contracts: ContractsService,
    private readonly store: CodeStore,
    private readonly progress: BatchProgress,
    private readonly events: EventBus,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get batches() {
    return this.txHost.tx.getRepository(CodeBatch);
  }

  @Transactional()
  async generate(actor: Actor, input: GenerateCodesInput): Promise<CodeBatch> {
    const { batch, format } = await this.createBatch(actor, input, BatchSource.GENERATED);
    if (input.quantity <= this.config.codes.inlineMax) {
      await this.fill(batch, format);
      return this.complete(batch);
    }
    await this.events.publish(
      new CodeBatchRequested({ batchId: batch.id }, { organizationId: batch.organizationId, actorId: batch.createdById }),
    );
    return (await this.batches.findOneBy({ id: batch.id }))!;
  }

  /**
   * Generates a batch within the caller's transaction, whatever its size, for callers that hand
   * the codes out at once (participants, orders). Returns the codes in the order they were made.
   */
  @Transactional()
  async generateNow(
    actor: Actor,
    input: GenerateCodesInput,
    source: BatchSource,
    links: { orderId?: string } = {},
  ): Promise<{ batch: CodeBatch; codes: { id: string; code: string }[] }> {
    const { batch, format } = await this.createBatch(actor, input, source, links.orderId ?? null);
    await this.fill(batch, format);
    const completed = await this.complete(batch);
    const codes = await this.txHost.tx.query<{ id: string; code: string }[]>('SELECT id, code FROM code WHERE batch_id = $1 ORDER BY id', [
      batch.id,
    ]);
    return { batch: completed, codes };
  }

  /** Checks the request (access, contract, price, format, guessing risk) and records the batch. */
  private async createBatch(
    actor: Actor,
    input: GenerateCodesInput,
    source: BatchSource,
    orderId: string | null = null,
  ): Promise<{ batch: CodeBatch; format: CodeFormat }> {
    await this.access.requireOrganization(actor, input.organizationId, { role: MemberRole.ORG_ADMIN });
    const { generateMax, guessCeiling } = this.config.codes;
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
      source,
      status: BatchStatus.PENDING,
      progress: 0,
      requestedQuantity: input.quantity,
      createdCount: 0,
      contractId: contract?.id ?? null,
      priceId: input.priceId ?? null,
      orderId,
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
    return { batch, format };
  }

  /** Hands the batch to the inventory queue: its own workers, so big batches never hold up mail. */
  @OnEventAfterCommit(CodeBatchRequested)
  async onBatchRequested(event: CodeBatchRequested): Promise<void> {
    const { batchId } = event.payload;
    await this.queue.add(INVENTORY_QUEUE, GENERATE_BATCH_JOB, { batchId }, { jobId: `generate:${batchId}` });
  }

  @JobHandler(GENERATE_BATCH_JOB)
  async onGenerateBatchJob(job: Job<{ batchId: string }>): Promise<BatchRunResult> {
    // While another process fills the batch, throw: the queue retries later, and then finds it done.
    return this.run(job.data.batchId, { whenBusy: 'retry' });
  }

  /**
   * Fills a PENDING batch in one transaction. Safe to call twice at once or after a crash: an
   * advisory lock lets one run at a time, and a completed batch is left alone. Each step, and the
   * end, is announced to the batch's subscribers once it is in the database.
   */
  async run(
    batchId: string,
    options: { whenBusy: 'skip' | 'retry'; onProgress?: (done: number, total: number) => void },
  ): Promise<BatchRunResult> {
    try {
      const result = await this.runInTransaction(batchId, options.onProgress);
      if (result === 'BUSY' && options.whenBusy === 'retry') throw new BatchBusyError(batchId);
      if (typeof result === 'object') {
        // Committed: what subscribers read now is the finished batch.
        this.progress.announce(batchId, { status: BatchStatus.COMPLETED, progress: 100, createdCount: result.createdCount });
        return 'COMPLETED';
      }
      return result === 'BUSY' ? 'SKIPPED' : result;
    } catch (error) {
      if (error instanceof BatchBusyError) throw error;
      this.logger.error({ message: 'Batch generation failed; the queue retries it', batchId, error: String(error) });
      // Admins see a plain reason; the details are in the server log. The run's codes went with its transaction.
      await this.dataSource.query(
        `UPDATE code_batch SET status = 'FAILED', failure_reason = $2, progress = 0, created_count = 0 WHERE id = $1 AND status <> 'COMPLETED'`,
        [batchId, 'Generation stopped unexpectedly; it is retried automatically.'],
      );
      this.progress.announce(batchId, { status: BatchStatus.FAILED, progress: 0, createdCount: 0 });
      throw error;
    }
  }

  @Transactional()
  private async runInTransaction(
    batchId: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<CodeBatch | 'SKIPPED' | 'BUSY'> {
    if (!(await this.store.tryLockBatch(batchId))) return 'BUSY';
    const batch = await this.batches.findOneBy({ id: batchId });
    if (!batch || batch.status === BatchStatus.COMPLETED) return 'SKIPPED';
    const format = this.format({
      alphabet: Alphabet.DEFAULT,
      width: batch.width!,
      prefix: batch.prefix ?? '',
      checkCharacter: batch.checkCharacter,
    });
    // A run after a failed or lost one starts again from nothing: its codes went with its transaction.
    await this.recordStep(batch, 0);
    await this.fill(batch, format, {
      chunk: progressChunk(batch.requestedQuantity),
      onChunk: async (done) => {
        onProgress?.(done, batch.requestedQuantity);
        await this.recordStep(batch, done);
      },
    });
    return this.complete(batch);
  }

  /**
   * Writes how far a run is, outside its transaction so that it shows while the run goes on, and
   * announces it. The codes counted are written but not yet committed: they all become usable
   * together when the batch completes.
   */
  private async recordStep(batch: CodeBatch, done: number): Promise<void> {
    const progress = Math.floor((done / batch.requestedQuantity) * 100);
    await this.dataSource.query(
      `UPDATE code_batch SET status = 'RUNNING', progress = $2, created_count = $3, failure_reason = NULL WHERE id = $1`,
      [batch.id, progress, done],
    );
    this.progress.announce(batch.id, { status: BatchStatus.RUNNING, progress, createdCount: done });
  }

  /**
   * Makes and stores codes until the batch holds all it asked for; collisions are simply redrawn.
   * A background run passes smaller chunks and is told after each one.
   */
  private async fill(
    batch: CodeBatch,
    format: CodeFormat,
    { chunk = CHUNK, onChunk }: { chunk?: number; onChunk?: (done: number) => Promise<void> } = {},
  ): Promise<void> {
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
      if (rounds > batch.requestedQuantity / chunk + 20) throw new Error('Too many collisions: the code space is nearly full.');
      const wanted = Math.min(chunk, batch.requestedQuantity - done);
      const codes = [...new Set(generator.generate(wanted))];
      done += await this.store.insertCodes(codes, defaults);
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
