import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { isWellFormedImportedCode, normalizeCode } from '@tessera/codes';
import { BadUserInputError, newId, readCsv, shortened, uploadedFile } from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { GuessingBudget, type Guesser } from '../identity/guessing-budget.service';
import { CodeStore } from './code-store';
import type { ImportCodesFileInput, ImportCodesInput, ImportCodesPayload, ImportProblem } from './dto/batch.dto';
import { BatchSource, BatchStatus, CodeBatch } from './entities/code-batch.entity';
import { CodeBatchCompleted } from './events/inventory.events';

/** How many problems of each kind an answer lists (the counts are always exact). */
const LISTED_PROBLEMS = 1000;

interface InputLine {
  /** Line of the paste, or row of the spreadsheet. */
  line: number;
  value: string;
}

type ImportTarget = Omit<ImportCodesInput, 'text'>;

interface Candidate {
  line: number;
  value: string;
  code: string;
}

/** Imports codes made elsewhere: every line accounted for, and all or nothing. */
@Injectable()
export class CodeImportService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly contracts: ContractsService,
    private readonly store: CodeStore,
    private readonly events: EventBus,
    private readonly budget: GuessingBudget,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Pasted text: one code per line. `clientAddress` is the caller's over HTTP; the command line's
   * operator (trusted) has none and no guessing budget.
   */
  async importText(actor: Actor, input: ImportCodesInput, clientAddress: string | null = null): Promise<ImportCodesPayload> {
    await this.access.requireOrganization(actor, input.organizationId, { role: MemberRole.ORG_ADMIN });
    const lines = input.text.split(/\r\n|\n|\r/);
    const max = this.config.codes.importMaxLines;
    if (lines.length > max) {
      throw BadUserInputError.field(
        'text',
        `has ${lines.length.toLocaleString('en')} lines; an import takes at most ${max.toLocaleString('en')}.`,
      );
    }
    return this.importLines(
      actor,
      guesserOf(actor, input, clientAddress),
      input,
      'text',
      lines.map((value, index) => ({ line: index + 1, value })),
    );
  }

  /** A CSV file with a column of codes; problems are reported by spreadsheet row. */
  async importFile(actor: Actor, input: ImportCodesFileInput, clientAddress: string | null = null): Promise<ImportCodesPayload> {
    await this.access.requireOrganization(actor, input.organizationId, { role: MemberRole.ORG_ADMIN });
    const upload = await uploadedFile(input.file);
    const { headers, rows } = await readCsv(upload.createReadStream(), {
      field: 'file',
      maxBytes: this.config.uploads.maxBytes,
      maxRows: this.config.codes.importMaxLines,
    });
    const column = headers.find((header) => header.toLowerCase() === input.column.trim().toLowerCase());
    if (!column) {
      throw BadUserInputError.field('column', `The file has no column "${input.column}"; its columns are: ${columnList(headers)}.`);
    }
    return this.importLines(
      actor,
      guesserOf(actor, input, clientAddress),
      input,
      'file',
      rows.map(({ row, values }) => ({ line: row, value: values[column] ?? '' })),
    );
  }

  /**
   * One transaction: every valid new code is stored, or none is. A line found in another
   * organisation tells that a code exists, so each costs one guess of the importer's budget (the
   * admin or API key, the client address and the organisation); found in its own inventory it is
   * its own data, and free. Past the budget the import is refused as a whole, naming no line.
   */
  @Transactional()
  private async importLines(
    actor: Actor,
    guesser: Guesser | null,
    input: ImportTarget,
    field: string,
    lines: InputLine[],
  ): Promise<ImportCodesPayload> {
    const contract = input.contractId ? await this.contracts.contractOf(input.organizationId, input.contractId) : null;
    if (input.priceId) await this.contracts.usablePrice(input.organizationId, input.priceId, contract?.id);
    const { candidates, duplicates, malformed } = classify(lines);
    if (candidates.length === 0 && duplicates.length === 0 && malformed.length === 0) {
      throw BadUserInputError.field(field, 'holds no codes: give one code per line.');
    }

    // With the budget used up, even "imported" or "refused" would tell whether a line exists elsewhere.
    if (guesser) {
      await this.budget.assertLeft(guesser);
      await this.budget.spendImportLines(input.organizationId, candidates.length);
    }

    let batch: CodeBatch | null = null;
    let imported = 0;
    let taken = new Map<string, string>();
    if (candidates.length > 0) {
      // The insert itself finds the codes stored already (ON CONFLICT): no look-up of every code first.
      batch = await this.createBatch(actor, input, contract?.id ?? null, candidates.length);
      ({ count: imported, taken } = await this.store.importCodes(
        candidates.map((c) => c.code),
        {
          organizationId: input.organizationId,
          batchId: batch.id,
          contractId: batch.contractId,
          priceId: batch.priceId,
          codeType: batch.codeType,
          expiresAt: batch.expiresAt,
        },
      ));
      // Refused (RATE_LIMITED), the transaction undoes the import and the answer names no line.
      const foreign = [...taken].flatMap(([code, holder]) => (holder !== input.organizationId ? [code] : []));
      if (guesser) await this.budget.chargeHits(guesser, 'IMPORT', foreign);
      batch = imported > 0 ? await this.completeBatch(batch, imported) : await this.dropEmptyBatch(batch);
    }
    const alreadyStored = candidates
      .filter((c) => taken.has(c.code))
      .map((c) => ({
        line: c.line,
        value: c.value,
        reason:
          taken.get(c.code) === input.organizationId ? 'Already in your inventory.' : 'Already in use: codes are unique across Tessera.',
      }));
    return {
      batch,
      imported,
      duplicateCount: duplicates.length,
      alreadyStoredCount: alreadyStored.length,
      malformedCount: malformed.length,
      duplicates: duplicates.slice(0, LISTED_PROBLEMS),
      alreadyStored: alreadyStored.slice(0, LISTED_PROBLEMS),
      malformed: malformed.slice(0, LISTED_PROBLEMS),
    };
  }

  private async createBatch(actor: Actor, input: ImportTarget, contractId: string | null, quantity: number): Promise<CodeBatch> {
    const batches = this.txHost.tx.getRepository(CodeBatch);
    const batch = batches.create({
      id: newId(),
      organizationId: input.organizationId,
      source: BatchSource.IMPORTED,
      status: BatchStatus.RUNNING,
      progress: 0,
      requestedQuantity: quantity,
      createdCount: 0,
      contractId,
      priceId: input.priceId ?? null,
      codeType: input.codeType ?? null,
      expiresAt: input.expiresAt ?? null,
      prefix: null,
      width: null,
      checkCharacter: false,
      failureReason: null,
      createdById: actorUserId(actor),
      completedAt: null,
    });
    await batches.insert(batch);
    return batch;
  }

  /** Every code was stored already: no batch is left behind for an import that added nothing. */
  private async dropEmptyBatch(batch: CodeBatch): Promise<null> {
    await this.txHost.tx.getRepository(CodeBatch).delete({ id: batch.id });
    return null;
  }

  private async completeBatch(batch: CodeBatch, count: number): Promise<CodeBatch> {
    const batches = this.txHost.tx.getRepository(CodeBatch);
    await batches.update(
      { id: batch.id },
      { status: BatchStatus.COMPLETED, progress: 100, requestedQuantity: count, createdCount: count, completedAt: new Date() },
    );
    await this.events.publish(
      new CodeBatchCompleted(
        { batchId: batch.id, source: batch.source, count },
        { organizationId: batch.organizationId, actorId: batch.createdById },
      ),
    );
    return (await batches.findOneBy({ id: batch.id }))!;
  }
}

/** Whose guessing budget an import draws on: none for the command line's operator. */
function guesserOf(actor: Actor, input: ImportTarget, clientAddress: string | null): Guesser | null {
  if (actor.kind === 'operator') return null;
  return { actor, clientAddress: clientAddress ?? 'unknown', organizationId: input.organizationId };
}

/** How many of a file's column names an error message lists: a header row may hold thousands. */
const LISTED_COLUMNS = 20;

function columnList(headers: string[]): string {
  if (headers.length === 0) return '(none)';
  const listed = headers.slice(0, LISTED_COLUMNS).map((header) => shortened(header, 100));
  const more = headers.length - listed.length;
  return more > 0 ? `${listed.join(', ')} and ${more.toLocaleString('en')} more` : listed.join(', ');
}

/** Sorts pasted lines into codes to import, repeats, and lines that are not codes; blank lines vanish. */
export function classify(lines: InputLine[]): { candidates: Candidate[]; duplicates: ImportProblem[]; malformed: ImportProblem[] } {
  const candidates: Candidate[] = [];
  const duplicates: ImportProblem[] = [];
  const malformed: ImportProblem[] = [];
  const firstSeen = new Map<string, number>();
  lines.forEach(({ line, value: raw }) => {
    const value = raw.trim();
    if (value === '') return;
    const shown = shortened(value, 100);
    const code = normalizeCode(value);
    if (!isWellFormedImportedCode(code)) {
      malformed.push({ line, value: shown, reason: 'Not a code: use 4 to 64 letters and digits (spaces and hyphens are ignored).' });
      return;
    }
    const first = firstSeen.get(code);
    if (first !== undefined) {
      duplicates.push({ line, value: shown, reason: `Repeats line ${first}.`, firstLine: first });
      return;
    }
    firstSeen.set(code, line);
    candidates.push({ line, value: shown, code });
  });
  return { candidates, duplicates, malformed };
}
