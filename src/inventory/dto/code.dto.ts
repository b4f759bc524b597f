import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsAfter, IsStorableDate, UUIDScalar } from '@tessera/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Code, CodeStatus } from '../entities/code.entity';

export const CODE_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,31}$/;
export const CODE_TYPE_MESSAGE = 'must be upper-case letters, digits or _, starting with a letter (e.g. MENTEE)';

/** Query strings (the CSV export) give lists comma-separated. */
const commaList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value);

@ObjectType({ description: 'A page of codes.' })
export class CodeConnection extends Connection(Code) {}

@InputType({ description: 'Narrows the codes listed or exported; all given conditions must hold.' })
export class CodeFilter {
  @Field(() => [CodeStatus], { nullable: true, description: 'Only codes with one of these statuses.' })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayMaxSize(4)
  @IsEnum(CodeStatus, { each: true })
  status?: CodeStatus[];

  @Field(() => UUIDScalar, { nullable: true, description: 'Only codes of this batch.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  batchId?: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Only codes of this contract.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  contractId?: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Only codes at this price.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  priceId?: string;

  @Field({ nullable: true, description: 'Only codes of this type (e.g. MENTEE).' })
  @IsOptional()
  @Matches(CODE_TYPE_PATTERN, { message: CODE_TYPE_MESSAGE })
  codeType?: string;

  @Field({ nullable: true, description: 'Only codes last sent to someone whose e-mail or name contains this.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  lastSentTo?: string;

  @Field({ nullable: true, description: 'Only codes made at or after this moment.' })
  @IsOptional()
  @Type(() => Date)
  @IsStorableDate()
  createdAfter?: Date;

  @Field({ nullable: true, description: 'Only codes made before this moment; after createdAfter when both are given.' })
  @IsOptional()
  @Type(() => Date)
  @IsStorableDate()
  @IsAfter('createdAfter')
  createdBefore?: Date;

  @Field({ nullable: true, description: 'Free text found in the code, the recipient’s name or e-mail, or the admin comment.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@InputType({ description: 'Changes to a code; fields left out stay as they are.' })
export class UpdateCodeInput {
  @Field(() => UUIDScalar, { description: 'The code.' })
  codeId: string;

  @Field(() => String, { nullable: true, description: 'Admins’ note (null clears it). Never e-mailed.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  adminComment?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the code stops being redeemable (null: never).' })
  @IsOptional()
  @IsStorableDate()
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Code type, e.g. MENTEE (null clears it).' })
  @IsOptional()
  @Matches(CODE_TYPE_PATTERN, { message: CODE_TYPE_MESSAGE })
  codeType?: string | null;
}

@ObjectType({ description: 'The changed code.' })
export class UpdateCodePayload {
  @Field(() => Code, { description: 'The code after the change.' })
  code: Code;
}

@InputType({ description: 'A code to void (delete): it can never be redeemed and stays for the audit.' })
export class VoidCodeInput {
  @Field(() => UUIDScalar, { description: 'The code.' })
  codeId: string;

  @Field({ nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

@ObjectType({ description: 'The voided code.' })
export class VoidCodePayload {
  @Field(() => Code, { description: 'The code, now VOID.' })
  code: Code;
}
