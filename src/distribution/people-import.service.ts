import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  BadUserInputError,
  ConflictError,
  ErrorCode,
  ErrorReason,
  type ErrorReasonOf,
  newId,
  NotFoundError,
  readCsv,
  uploadedFile,
} from '@tessera/common';
import { DomainEvent, EventBus, OnEventAfterCommit, type EventDelivery } from '@tessera/events';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { DataSource } from 'typeorm';
import { RedemptionService } from '../access/redemption.service';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, OPERATOR, type Actor } from '../identity/auth/actor';
import { passwordHasher } from '../identity/auth/password-hasher';
import { MemberRole } from '../identity/entities/membership.entity';
import { UsersService } from '../identity/users.service';
import { InvitationsService } from '../invitations/invitations.service';
import { CodesService } from '../inventory/codes.service';
import type { AssignSeatsPayload } from './dto/seat-assignment.dto';
import { CheckedPerson, PeopleImport, PeopleImportPurpose, PeopleImportStatus } from './entities/people-import.entity';
import type { ImportRowProblem } from './entities/participant-import.entity';
import { LISTED_PROBLEMS } from './participants-csv';
import { checkPeopleFile, PEOPLE_COLUMNS, type PersonRow } from './people-csv';
import { PeopleImportProgress } from './people-import-progress';
import { SeatAssignmentService } from './seat-assignment.service';

const ADMIN = { role: MemberRole.ORG_ADMIN };
/** Files up to this many rows are carried out within the request; larger ones in the background. */
export const PEOPLE_IMPORT_INLINE_MAX = 200;
/** A RUNNING import given a new job this many times (its job lost, or its worker dead each time) is FAILED instead. */
export const PEOPLE_IMPORT_MAX_RESUMES = 3;
const RESUME_BATCH = 100;

/** A checked people file is being carried out by a worker; the outbox makes sure one picks it up. */
export class PeopleImportStarted extends DomainEvent<{ importId: string }> {
  static override readonly type = 'PeopleImportStarted';
}

/** The recovery round gave a RUNNING import whose job was lost (or whose worker died) a new job. */
export class PeopleImportResumed extends DomainEvent<{ importId: string; resumes: number }> {
  static override readonly type = 'PeopleImportResumed';
}

export class PeopleImportCompleted extends DomainEvent<{ importId: string; purpose: PeopleImportPurpose; rows: number }> {
  static override readonly type = 'PeopleImportCompleted';
}

export interface PeopleUpload {
  organizationId: string;
  priceId: string;
  file: Promise<FileUpload>;
  message?: string | null;
}

/**
 * Bulk uploads of people (workflow B, option 3, and invitations from a CSV of addresses): the file
 * is checked first (every problem by row and column, nothing written), then carried out in one
 * transaction — within the request when small, by a worker with progress when large.
 */
@Injectable()
export class PeopleImportService {
  private readonly logger = new Logger('PeopleImport');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly contracts: ContractsService,
    private readonly codes: CodesService,
    private readonly users: UsersService,
    private readonly redemption: RedemptionService,
    private readonly seats: SeatAssignmentService,
    private readonly invitations: InvitationsService,
    private readonly progress: PeopleImportProgress,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get imports() {
    return this.txHost.tx.getRepository(PeopleImport);
  }

  /** Checks a file and records the result; writes nothing else. No transaction: the file may still be arriving. */
  async upload(actor: Actor, purpose: PeopleImportPurpose, input: PeopleUpload): Promise<PeopleImport> {
    await this.access.requireOrganization(actor, input.organizationId, ADMIN);
    // Another organisation's price is NOT_FOUND, as in every other operation that takes one: nothing is read or stored.
    const price = await this.contracts.usablePrice(input.organizationId, input.priceId);
    const file = await uploadedFile(input.file);
    const { headers, rows } = await readCsv(file.createReadStream(), {
      field: 'file',
      maxBytes: this.config.uploads.maxBytes,
      maxRows: this.config.codes.importMaxLines,
    });
    const { problems, people } = checkPeopleFile(headers, rows, purpose);
    const accounts = new Map((await this.users.findByEmails(people.map((person) => person.email))).map((user) => [user.email, user]));
    if (purpose === PeopleImportPurpose.ASSIGN_SEATS) {
      // Only this organisation's grants: access through another organisation is not its to know.
      // Such a person is handled when the import is carried out (a seat held for them), never here.
      const holders = await this.redemption.holdersOf(
        price.productId,
        [...accounts.values()].map((user) => user.id),
        { in: input.organizationId },
      );
      for (const person of people) {
        const user = accounts.get(person.email);
        if (user && holders.has(user.id)) {
          problems.push({
            row: person.row,
            column: PEOPLE_COLUMNS.email.name,
            value: person.email,
            message: 'Already has access to this product.',
          });
        }
      }
    }
    const seatsFree = await this.codes.countSeats(input.organizationId, input.priceId);
    if (rows.length > seatsFree) {
      problems.push({
        row: 1,
        column: '',
        value: '',
        message: `The file has ${rows.length} people and the price has ${seatsFree} free seats.`,
      });
    }
    problems.sort((a, b) => a.row - b.row);
    const checked = problems.length ? [] : await hashPasswords(people);
    const record = this.imports.create({
      id: newId(),
      organizationId: input.organizationId,
      purpose,
      priceId: input.priceId,
      message: input.message?.trim() || null,
      status: problems.length ? PeopleImportStatus.INVALID : PeopleImportStatus.VALID,
      fileName: file.filename.slice(0, 255),
      rowCount: rows.length,
      newAccountCount: people.filter((person) => !accounts.has(person.email)).length,
      seatsFree,
      problems: problems.slice(0, LISTED_PROBLEMS),
      people: checked,
      progress: 0,
      error: null,
      createdById: actorUserId(actor),
      completedAt: null,
    });
    await this.imports.insert(record);
    return this.load(record.id);
  }

  async get(actor: Actor, importId: string): Promise<PeopleImport> {
    const record = await this.imports.findOneBy({ id: importId });
    if (!record) throw new NotFoundError('PeopleImport', importId);
    await this.access.require(actor, record.organizationId, ADMIN);
    return record;
  }

  /** Carries out a VALID import: small ones now, in one transaction; large ones RUNNING in the background. */
  async complete(actor: Actor, importId: string): Promise<PeopleImport> {
    const record = await this.get(actor, importId);
    if (record.rowCount <= PEOPLE_IMPORT_INLINE_MAX) {
      await this.completeNow(actor, importId);
    } else {
      await this.start(actor, importId);
    }
    return this.announceStored(importId);
  }

  /**
   * Carries out a VALID import in this process whatever its size, telling `onProgress` how far it
   * is: for the operator CLI, which shows a progress bar and has no worker to hand large files to.
   * What was done comes back (null for invitations).
   */
  async completeHere(
    actor: Actor,
    importId: string,
    onProgress: (done: number, total: number) => void,
  ): Promise<AssignSeatsPayload | null> {
    await this.get(actor, importId);
    const assigned = await this.completeNow(actor, importId, onProgress);
    await this.announceStored(importId);
    return assigned;
  }

  @Transactional()
  private async completeNow(
    actor: Actor,
    importId: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<AssignSeatsPayload | null> {
    const record = await this.imports.findOne({ where: { id: importId }, lock: { mode: 'pessimistic_write' } });
    assertValid(record!);
    return this.carryOut(actor, record!, onProgress);
  }

  @Transactional()
  private async start(actor: Actor, importId: string): Promise<void> {
    const [claimed] = (await this.txHost.tx.query(
      `UPDATE people_import SET status = 'RUNNING', progress = 0, resume_after = now() + make_interval(secs => $2)
        WHERE id = $1 AND status = 'VALID' RETURNING id`,
      [importId, this.config.uploads.resumeAfterMs / 1000],
    )) as [{ id: string }[], number];
    if (!claimed.length) assertValid((await this.load(importId))!);
    const record = await this.load(importId);
    await this.events.publish(
      new PeopleImportStarted({ importId }, { organizationId: record.organizationId, actorId: actorUserId(actor) }),
    );
  }

  /**
   * In a worker: the import in one transaction. A failure in the file's terms is recorded (FAILED,
   * with the row) and not retried; any other is retried by the queue, and recorded on its last try.
   */
  @OnEventAfterCommit(PeopleImportStarted, PeopleImportResumed)
  async onStarted(event: PeopleImportStarted | PeopleImportResumed, delivery?: EventDelivery): Promise<void> {
    const { importId } = event.payload;
    try {
      await this.runInBackground(importId);
      await this.announceStored(importId);
    } catch (error) {
      if (error instanceof AppError) return this.fail(importId, error.message);
      // The database or the process: the queue retries; after its last try the import must not stay RUNNING.
      if (delivery?.lastAttempt)
        await this.fail(importId, `Stopped after ${delivery.attempt} attempts: ${String((error as Error)?.message ?? error)}`);
      throw error;
    }
  }

  /**
   * Gives a new job to the RUNNING imports past their deadline that no worker holds: their job was
   * lost (Redis lost its data, the inline queue stopped) or their worker died. Carrying out is
   * idempotent (the advisory lock and the RUNNING check), so a job merely late does no harm. One
   * resumed PEOPLE_IMPORT_MAX_RESUMES times already is FAILED. Run by worker processes.
   */
  @Transactional()
  async resumeOverdue(): Promise<{ resumed: string[]; failed: string[] }> {
    const leaseSeconds = this.config.uploads.resumeAfterMs / 1000;
    const overdue = (await this.txHost.tx.query(
      `SELECT id, organization_id AS "organizationId", resumes FROM people_import
        WHERE status = 'RUNNING' AND resume_after < now() ORDER BY resume_after LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [RESUME_BATCH],
    )) as { id: string; organizationId: string; resumes: number }[];
    const resumed: string[] = [];
    const failed: string[] = [];
    const gaveUp = `Its background job was lost ${PEOPLE_IMPORT_MAX_RESUMES + 1} times; upload the file again.`;
    for (const row of overdue) {
      // Held until this transaction ends: taken, no worker is carrying the import out now.
      const [{ idle }] = (await this.txHost.tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('people_import'), hashtext($1)) AS idle`, [
        row.id,
      ])) as { idle: boolean }[];
      if (idle && row.resumes >= PEOPLE_IMPORT_MAX_RESUMES) {
        await this.txHost.tx.query(FAIL_SQL, [row.id, gaveUp]);
        failed.push(row.id);
        continue;
      }
      await this.txHost.tx.query(
        `UPDATE people_import SET resume_after = now() + make_interval(secs => $2), resumes = resumes + $3 WHERE id = $1`,
        [row.id, leaseSeconds, idle ? 1 : 0],
      );
      if (!idle) continue; // slow, not lost: its worker is still at it
      await this.events.publish(
        new PeopleImportResumed({ importId: row.id, resumes: row.resumes + 1 }, { organizationId: row.organizationId }),
      );
      resumed.push(row.id);
    }
    if (resumed.length) this.logger.warn({ message: 'Resumed people imports that had lost their job', imports: resumed });
    if (failed.length) this.logger.warn({ message: 'People imports failed: their job was lost too often', imports: failed, error: gaveUp });
    return { resumed, failed };
  }

  /**
   * Records why a RUNNING import ended: FAILED, nothing of it was written. Under the import's lock,
   * as a run holds it: a resumed run that started meanwhile either finishes first (and FAILED finds
   * it COMPLETED) or starts after (and finds it FAILED), never reads its people emptied mid-run.
   */
  private async fail(importId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('people_import'), hashtext($1))`, [importId]);
      await manager.query(FAIL_SQL, [importId, reason.slice(0, 2000)]);
    });
    this.logger.warn({ message: 'People import failed', importId, error: reason });
    await this.announceStored(importId);
  }

  @Transactional()
  private async runInBackground(importId: string): Promise<void> {
    // An advisory lock, not a row lock: the progress is written to the row from outside this transaction.
    const [{ locked }] = (await this.txHost.tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('people_import'), hashtext($1)) AS locked`,
      [importId],
    )) as { locked: boolean }[];
    if (!locked) return; // a stalled run of this job is still at it
    const record = await this.imports.findOneBy({ id: importId });
    if (record?.status !== PeopleImportStatus.RUNNING) return; // done already by an earlier run of this job
    // Access was checked when it was started; the worker acts for the platform.
    await this.carryOut(OPERATOR, record);
  }

  private async carryOut(
    actor: Actor,
    record: PeopleImport,
    onProgress?: (done: number, total: number) => void,
  ): Promise<AssignSeatsPayload | null> {
    const people = (await this.imports.findOne({ where: { id: record.id }, select: { id: true, people: true } }))!.people ?? [];
    const progress = async (done: number, total: number) => {
      onProgress?.(done, total);
      await this.reportProgress(record.id, done, total);
    };
    let assigned: AssignSeatsPayload | null = null;
    try {
      if (record.purpose === PeopleImportPurpose.ASSIGN_SEATS) {
        assigned = await this.seats.assignHashed(
          actor,
          {
            organizationId: record.organizationId,
            priceId: record.priceId,
            people: people.map(({ email, firstName, lastName }) => ({ email, firstName, lastName })),
          },
          people.map((person) => person.passwordHash),
          progress,
        );
      } else {
        await this.invitations.invite(
          actor,
          {
            organizationId: record.organizationId,
            priceId: record.priceId,
            emails: people.map((p) => p.email),
            message: record.message ?? undefined,
          },
          progress,
        );
      }
    } catch (error) {
      throw inRowTerms(error, people);
    }
    await this.imports.update(
      { id: record.id },
      { status: PeopleImportStatus.COMPLETED, progress: 100, people: [], completedAt: new Date(), resumeAfter: null },
    );
    await this.events.publish(
      new PeopleImportCompleted(
        { importId: record.id, purpose: record.purpose, rows: people.length },
        { organizationId: record.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return assigned;
  }

  /**
   * Progress is written outside the import's transaction, so others see it while it runs (and its
   * subscribers are told); it pushes the import's deadline on, so the recovery round leaves a live
   * run alone. Every twentieth of the rows: steps of at most 5 %.
   */
  private async reportProgress(importId: string, done: number, total: number): Promise<void> {
    const percent = Math.floor((done / total) * 99);
    if (done === total || done % Math.max(1, Math.floor(total / 20)) === 0) {
      const [, updated] = (await this.dataSource.query(
        `UPDATE people_import SET progress = $2, resume_after = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'RUNNING'`,
        [importId, percent, this.config.uploads.resumeAfterMs / 1000],
      )) as [unknown[], number];
      if (updated > 0) this.progress.announce({ id: importId, status: PeopleImportStatus.RUNNING, progress: percent });
    }
  }

  private async load(importId: string): Promise<PeopleImport> {
    return (await this.imports.findOneBy({ id: importId }))!;
  }

  /** Tells the import's subscribers where it stands, as committed; returns it. */
  private async announceStored(importId: string): Promise<PeopleImport> {
    const record = await this.load(importId);
    this.progress.announce(record);
    return record;
  }

  /** After the recovery round's transaction: the imports it FAILED (their subscribers end with that). */
  announceFailed(importIds: string[]): void {
    for (const id of importIds) this.progress.announce({ id, status: PeopleImportStatus.FAILED, progress: 0 });
  }
}

/** Ends a RUNNING import as FAILED with its reason ($2), dropping the password hashes it kept. */
const FAIL_SQL = `UPDATE people_import SET status = 'FAILED', error = $2, people = '[]', resume_after = NULL WHERE id = $1 AND status = 'RUNNING'`;

/** Why an import that is not VALID cannot be carried out. */
const NOT_COMPLETABLE: Record<
  Exclude<PeopleImportStatus, PeopleImportStatus.VALID>,
  { why: string; reason: ErrorReasonOf<ErrorCode.CONFLICT> }
> = {
  INVALID: { why: 'it has problems: fix the file and upload it again', reason: ErrorReason.IMPORT_HAS_PROBLEMS },
  RUNNING: { why: 'it is being carried out', reason: ErrorReason.IMPORT_RUNNING },
  COMPLETED: { why: 'it has been carried out already', reason: ErrorReason.IMPORT_COMPLETED },
  FAILED: { why: 'it failed: upload the file again', reason: ErrorReason.IMPORT_FAILED },
};

function assertValid(record: PeopleImport): void {
  if (record.status === PeopleImportStatus.VALID) return;
  const { why, reason } = NOT_COMPLETABLE[record.status];
  throw new ConflictError(`This import cannot be completed: ${why}.`, { reason, status: record.status });
}

/** "people.3.email: …" means the file's row of the fourth person. */
function inRowTerms(error: unknown, people: CheckedPerson[]): unknown {
  if (!(error instanceof BadUserInputError)) return error;
  const problems: ImportRowProblem[] = error.fields.map((field) => {
    const index = /^(?:people|emails)\.(\d+)/.exec(field.field)?.[1];
    const person = index === undefined ? undefined : people[Number(index)];
    return { row: person?.row ?? 1, column: PEOPLE_COLUMNS.email.name, value: person?.email ?? '', message: field.message };
  });
  return new ConflictError(problems.map((p) => `row ${p.row}: ${p.message}`).join('; '), {
    reason: ErrorReason.IMPORT_HAS_PROBLEMS,
    problems,
  });
}

async function hashPasswords(people: PersonRow[]): Promise<CheckedPerson[]> {
  const hashes = await passwordHasher.hashAll(people.map((person) => person.password));
  return people.map(({ password: _password, ...person }, i) => ({ ...person, passwordHash: hashes[i] }));
}
