import { INestApplicationContext } from '@nestjs/common';
import { OPERATOR } from '../identity/auth/actor';
import { CodeGenerationService } from '../inventory/code-generation.service';
import { CodesService } from '../inventory/codes.service';
import { GenerateCodesInput } from '../inventory/dto/batch.dto';
import { BatchStatus, CodeBatch } from '../inventory/entities/code-batch.entity';
import { withApp } from './app-context';
import { dateOption, idOption, organizationOf, parseOptions, required, validatedInput } from './cli-input';
import { ProgressBar } from './progress-bar';

/** `generate --organization … --quantity … --width …`: prints the batch it made. */
export async function generateCommand(args: string[]): Promise<number> {
  const values = parseOptions('generate', args, {
    organization: { type: 'string' },
    quantity: { type: 'string' },
    width: { type: 'string' },
    prefix: { type: 'string' },
    price: { type: 'string' },
    contract: { type: 'string' },
    'code-type': { type: 'string' },
    'expires-at': { type: 'string' },
    'check-character': { type: 'boolean', default: false },
  });
  const organizationRef = required('generate', 'organization', values.organization);
  const fields = {
    // Numbers as typed: a quantity of "ten" is the input's validation error, as in the API.
    quantity: Number(required('generate', 'quantity', values.quantity)),
    width: Number(required('generate', 'width', values.width)),
    prefix: values.prefix,
    priceId: idOption('price', values.price),
    contractId: idOption('contract', values.contract),
    codeType: values['code-type'],
    expiresAt: dateOption(values['expires-at']),
    checkCharacter: values['check-character'],
  };
  return withApp(async (app) => {
    const organization = await organizationOf(app, organizationRef);
    const batch = await generateWithProgress(app, { ...fields, organizationId: organization.id });
    console.log(`Batch ${batch.id}: ${batch.createdCount.toLocaleString('en')} codes for ${organization.name}`);
    return 0;
  });
}

/**
 * The operator's `generate`: the same rules as the generateCodes mutation, then the batch is run
 * here with a progress bar. If a worker took the batch first, its progress is followed instead.
 */
export async function generateWithProgress(app: INestApplicationContext, fields: Partial<GenerateCodesInput>): Promise<CodeBatch> {
  const input = await validatedInput(GenerateCodesInput, { checkCharacter: false, ...fields });
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
