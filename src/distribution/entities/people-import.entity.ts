import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { ImportRowProblem } from './participant-import.entity';

export enum PeopleImportPurpose {
  ASSIGN_SEATS = 'ASSIGN_SEATS',
  INVITE = 'INVITE',
}

registerEnumType(PeopleImportPurpose, {
  name: 'PeopleImportPurpose',
  description: 'What an uploaded people file is for.',
  valuesMap: {
    ASSIGN_SEATS: { description: 'Give each person a seat at once (accounts made where needed).' },
    INVITE: { description: 'Invite each address by e-mail.' },
  },
});

export enum PeopleImportStatus {
  VALID = 'VALID',
  INVALID = 'INVALID',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

registerEnumType(PeopleImportStatus, {
  name: 'PeopleImportStatus',
  description: 'Where an uploaded people file stands.',
  valuesMap: {
    VALID: { description: 'Checked without problems: completePeopleImport carries it out.' },
    INVALID: { description: 'Has problems (see problems); nothing was written. Fix the file and upload it again.' },
    RUNNING: { description: 'Being carried out in the background (see progress).' },
    COMPLETED: { description: 'Carried out: every row has its seat or invitation.' },
    FAILED: { description: 'Could not be carried out (see error); nothing was written. Upload the file again.' },
  },
});

/** One person of a checked file; the password, if any, is already hashed. */
export interface CheckedPerson {
  row: number;
  email: string;
  firstName: string;
  lastName: string;
  passwordHash: string | null;
}

@ObjectType({ description: 'An uploaded file of people (seats or invitations): its check, then its completion.' })
@Entity('people_import')
@Index('people_import_organization_idx', ['organizationId', 'id'])
@Index('people_import_resume_after_idx', ['resumeAfter'], { where: `status = 'RUNNING'` })
export class PeopleImport {
  @Field(() => UUIDScalar, { description: 'Id of the import.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation whose seats are used.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => PeopleImportPurpose, { description: 'Seats at once, or invitations.' })
  @Column({ type: 'enum', enum: PeopleImportPurpose, enumName: 'people_import_purpose' })
  purpose: PeopleImportPurpose;

  @Field(() => UUIDScalar, { description: 'The price whose free codes are the seats.' })
  @Column({ type: 'uuid' })
  priceId: string;

  @Field(() => String, { nullable: true, description: 'The extra text of the invitations.' })
  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Field(() => PeopleImportStatus, { description: 'Where the import stands.' })
  @Column({ type: 'enum', enum: PeopleImportStatus, enumName: 'people_import_status' })
  status: PeopleImportStatus;

  @Field({ description: 'Name of the uploaded file.' })
  @Column({ type: 'text' })
  fileName: string;

  @Field(() => Int, { description: 'Rows read (header and blank rows not counted).' })
  @Column({ type: 'integer' })
  rowCount: number;

  /** Rows whose address has no account yet: for the operator's CLI only, never in the API (it would tell who has an account elsewhere). */
  @Column({ type: 'integer', default: 0 })
  newAccountCount: number;

  @Field(() => Int, { description: 'Free seats of the price when the file was checked.' })
  @Column({ type: 'integer', default: 0 })
  seatsFree: number;

  @Field(() => [ImportRowProblem], { description: 'Every problem found, by row and column (the first 5,000).' })
  @Column({ type: 'jsonb' })
  problems: ImportRowProblem[];

  /** The checked people, kept until the import is carried out (then emptied: it holds password hashes). */
  @Column({ type: 'jsonb', select: false })
  people?: CheckedPerson[];

  @Field(() => Int, { description: 'Percent done while RUNNING.' })
  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Field(() => String, { nullable: true, description: 'Why it FAILED.' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** While RUNNING: when the recovery round gives it a new job unless its progress has pushed this on. */
  @Column({ type: 'timestamptz', nullable: true })
  resumeAfter: Date | null;

  /** How many times the recovery round gave it a new job; past a few it is FAILED. */
  @Column({ type: 'integer', default: 0 })
  resumes: number;

  @Field(() => UUIDScalar, { nullable: true, description: 'Who uploaded the file.' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Field({ description: 'When the file was uploaded.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was carried out.' })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}
