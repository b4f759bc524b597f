import { INestApplicationContext } from '@nestjs/common';
import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { BadUserInputError } from '@tessera/common';
import { OPERATOR } from '../identity/auth/actor';
import { CodeGenerationService } from '../inventory/code-generation.service';
import { CodesService } from '../inventory/codes.service';
import { GenerateCodesInput } from '../inventory/dto/batch.dto';
import { BatchStatus, CodeBatch } from '../inventory/entities/code-batch.entity';
import { ProgressBar } from './progress-bar';

/**
 * The operator's `generate`: the same rules as the generateCodes mutation, then the batch is run
 * here with a progress bar. If a worker took the batch first, its progress is followed instead.
 */
export async function generateWithProgress(app: INestApplicationContext, fields: Partial<GenerateCodesInput>): Promise<CodeBatch> {
  const input = plainToInstance(GenerateCodesInput, { checkCharacter: false, ...fields });
  const errors = await validate(input);
  if (errors.length > 0) {
    throw new BadUserInputError(
      errors.flatMap((e) => Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message }))),
    );
  }
  const generation = app.get(CodeGenerationService);
  const codes = app.get(CodesService);
  const requested = await generation.generate(OPERATOR, input);
  const bar = new ProgressBar('Generating', requested.requestedQuantity);
  if (requested.status === BatchStatus.PENDING) {
    const result = await generation.run(requested.id, { whenBusy: 'skip', onProgress: (done) => bar.update(done) });
    if (result === 'SKIPPED') await follow(codes, requested.id, bar);
  }
  const batch = await codes.getBatch(OPERATOR, requested.id);
  if (batch.status !== BatchStatus.COMPLETED)
    throw new Error(`Batch ${batch.id} ${batch.status}: ${batch.failureReason ?? 'no reason given'}`);
  bar.update(batch.createdCount);
  bar.finish(`${batch.createdCount.toLocaleString('en')} codes`);
  return batch;
}

/** Follows a batch another process fills; gives up when its progress stands still for too long. */
async function follow(codes: CodesService, batchId: string, bar: ProgressBar, stallMs = 10 * 60_000): Promise<void> {
  let lastProgress = -1;
  let lastChange = Date.now();
  for (;;) {
    const batch = await codes.getBatch(OPERATOR, batchId);
    bar.update(Math.floor((batch.progress / 100) * batch.requestedQuantity));
    if (batch.status === BatchStatus.COMPLETED || batch.status === BatchStatus.FAILED) return;
    if (batch.progress !== lastProgress) [lastProgress, lastChange] = [batch.progress, Date.now()];
    if (Date.now() - lastChange > stallMs) throw new Error(`Batch ${batchId} made no progress for ${stallMs / 60_000} minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
