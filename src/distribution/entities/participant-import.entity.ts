import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Contract } from '../../contracts/entities/contract.entity';

export enum ParticipantImportStatus {
  VALID = 'VALID',
  INVALID = 'INVALID',
  COMPLETED = 'COMPLETED',
}

registerEnumType(ParticipantImportStatus, {
  name: 'ParticipantImportStatus',
  description: 'Where an uploaded participants file stands.',
  valuesMap: {
    VALID: { description: 'Checked without problems: completeParticipantImport generates and assigns the codes.' },
    INVALID: { description: 'Has problems (see problems); nothing was written. Fix the file and upload it again.' },
    COMPLETED: { description: 'The codes were generated and assigned.' },
  },
});

@ObjectType({ description: 'One problem of an uploaded file: where it is and what is wrong.' })
export class ImportRowProblem {
  @Field(() => Int, { description: 'Row in the spreadsheet (1 = header row).' })
  row: number;

  @Field({ description: 'Column header.' })
  column: string;

  @Field({ description: 'The value in the cell (cut at 100 characters).' })
  value: string;

  @Field({ description: 'What is wrong, and how to fix it.' })
  message: string;
}

export interface ParticipantAssignment {
  participantId: string;
  version: number;
  priceId: string;
  row: number;
}

@ObjectType({ description: 'An uploaded participants file: its check, then its completion.' })
@Entity('participant_import')
@Index('participant_import_contract_idx', ['contractId', 'id'])
export class ParticipantImport {
  @Field(() => UUIDScalar, { description: 'Id of the import.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The contract.' })
  @Column({ type: 'uuid' })
  contractId: string;

  @Field(() => ParticipantImportStatus, { description: 'Where the import stands.' })
  @Column({ type: 'enum', enum: ParticipantImportStatus, enumName: 'participant_import_status' })
  status: ParticipantImportStatus;

  @Field({ description: 'Name of the uploaded file.' })
  @Column({ type: 'text' })
  fileName: string;

  @Field(() => Int, { description: 'Rows read (header and blank rows not counted).' })
  @Column({ type: 'integer' })
  rowCount: number;

  @Field(() => Int, { description: 'Participants who will get (or got) a code.' })
  @Column({ type: 'integer' })
  assignmentCount: number;

  @Field(() => Int, { description: 'Characters of each code after the prefix.' })
  @Column({ type: 'integer' })
  width: number;

  @Field({ description: 'Whether the codes end in a check character.' })
  @Column({ type: 'boolean' })
  checkCharacter: boolean;

  @Field(() => [ImportRowProblem], { description: 'Every problem found, by row and column (the first 5,000).' })
  @Column({ type: 'jsonb' })
  problems: ImportRowProblem[];

  /** Who gets a code at which price, with the row version that was checked. */
  @Column({ type: 'jsonb' })
  assignments: ParticipantAssignment[];

  @Field(() => UUIDScalar, { nullable: true, description: 'Who uploaded the file.' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Field({ description: 'When the file was uploaded.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the codes were generated and assigned.' })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @ManyToOne(() => Contract, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Contract;
}
