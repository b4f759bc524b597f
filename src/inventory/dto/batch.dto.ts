import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection, IsFutureDate, UUIDScalar } from '@tessera/common';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { MAX_PREFIX_LENGTH, MAX_WIDTH, MIN_WIDTH } from '@tessera/codes';
import { CodeBatch } from '../entities/code-batch.entity';
import { CODE_TYPE_MESSAGE, CODE_TYPE_PATTERN } from './code.dto';

@ObjectType({ description: 'A page of code batches.' })
export class CodeBatchConnection extends Connection(CodeBatch) {}

/** Whose codes, and what they are for: the same for generating and importing. */
@InputType({ isAbstract: true })
class CodeTarget {
  @Field(() => UUIDScalar, { description: 'The organisation that will hold the codes.' })
  organizationId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The contract the codes are for.' })
  @IsOptional()
  contractId?: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The price the codes give access at.' })
  @IsOptional()
  priceId?: string;

  @Field({ nullable: true, description: 'Code type, e.g. MENTEE or MENTOR: the role a redeemer gets.' })
  @IsOptional()
  @Matches(CODE_TYPE_PATTERN, { message: CODE_TYPE_MESSAGE })
  codeType?: string;

  @Field({ nullable: true, description: 'When the codes stop being redeemable.' })
  @IsOptional()
  @IsFutureDate()
  expiresAt?: Date;
}

@InputType({ description: 'What to generate.' })
export class GenerateCodesInput extends CodeTarget {
  @Field(() => Int, { description: 'How many codes.' })
  @IsInt()
  @Min(1)
  quantity: number;

  @Field(() => Int, { description: `Characters after the prefix (${MIN_WIDTH}–${MAX_WIDTH}), the check character included.` })
  @IsInt()
  @Min(MIN_WIDTH)
  @Max(MAX_WIDTH)
  width: number;

  @Field({ nullable: true, description: "Prefix (letters and digits); defaults to the contract's invitation prefix." })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PREFIX_LENGTH)
  prefix?: string;

  @Field({ defaultValue: false, description: 'End each code with a check character that catches every single typo and swap.' })
  @IsBoolean()
  checkCharacter: boolean;
}

@ObjectType({ description: 'The batch being generated: COMPLETED at once for small quantities, else follow its progress.' })
export class GenerateCodesPayload {
  @Field(() => CodeBatch, { description: 'The batch.' })
  batch: CodeBatch;
}

@InputType({ description: 'Codes pasted as text, one per line.' })
export class ImportCodesInput extends CodeTarget {
  @Field({ description: 'One code per line; blank lines and surrounding spaces are dropped; case and hyphens do not matter.' })
  @IsString()
  @MaxLength(8_000_000)
  text: string;
}

@InputType({ description: 'A CSV file with a column of codes (GraphQL multipart upload).' })
export class ImportCodesFileInput extends CodeTarget {
  @Field(() => GraphQLUpload, { description: 'The CSV file (UTF-8; a byte-order mark, CRLF and quoted fields are fine).' })
  file: Promise<FileUpload>;

  @Field({ defaultValue: 'code', description: 'Header of the column that holds the codes (any case).' })
  @IsString()
  @Length(1, 100)
  column: string;
}

@ObjectType({ description: 'A line of the input that was not imported, and why.' })
export class ImportProblem {
  @Field(() => Int, { description: 'Line of the pasted text (1 = first), or row of the CSV file (1 = header).' })
  line: number;

  @Field({ description: 'The line or cell as given (trimmed; cut at 100 characters).' })
  value: string;

  @Field({ description: 'Why the line was not imported.' })
  reason: string;

  @Field(() => Int, { nullable: true, description: 'For a duplicate within the input: the line it repeats.' })
  firstLine?: number | null;
}

@ObjectType({ description: 'What an import did, line by line. Nothing is half-imported.' })
export class ImportCodesPayload {
  @Field(() => CodeBatch, { nullable: true, description: 'The batch holding the imported codes (none when nothing was imported).' })
  batch: CodeBatch | null;

  @Field(() => Int, { description: 'Codes imported.' })
  imported: number;

  @Field(() => Int, { description: 'Lines that repeat an earlier line of the input.' })
  duplicateCount: number;

  @Field(() => Int, { description: 'Lines whose code is already in the inventory (of any organisation).' })
  alreadyStoredCount: number;

  @Field(() => Int, { description: 'Lines that are not a code.' })
  malformedCount: number;

  @Field(() => [ImportProblem], { description: 'Duplicates within the input (the first 1,000).' })
  duplicates: ImportProblem[];

  @Field(() => [ImportProblem], { description: 'Codes already in the inventory (the first 1,000).' })
  alreadyStored: ImportProblem[];

  @Field(() => [ImportProblem], { description: 'Lines that are not a code (the first 1,000).' })
  malformed: ImportProblem[];
}

@ObjectType({ description: 'How many codes have one status.' })
export class StatusCount {
  @Field({ description: 'The status.' })
  status: string;

  @Field(() => Int, { description: 'How many codes.' })
  count: number;
}

@ObjectType({ description: 'Counts for one price or batch.' })
export class InventoryGroup {
  @Field(() => UUIDScalar, { nullable: true, description: 'The price or batch (none: codes without a price).' })
  id: string | null;

  @Field(() => Int, { description: 'All codes of the group.' })
  total: number;

  @Field(() => [StatusCount], { description: 'Counts by status.' })
  byStatus: StatusCount[];
}

@ObjectType({ description: "An organisation's inventory at a glance." })
export class InventorySummary {
  @Field(() => Int, { description: 'All codes.' })
  total: number;

  @Field(() => [StatusCount], { description: 'Counts by status.' })
  byStatus: StatusCount[];

  @Field(() => [InventoryGroup], { description: 'Counts per price.' })
  byPrice: InventoryGroup[];

  @Field(() => [InventoryGroup], { description: 'Counts per batch.' })
  byBatch: InventoryGroup[];
}
