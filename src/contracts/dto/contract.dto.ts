import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Alphabet, normalizeCode } from '@tessera/codes';
import { Connection, IsName, IsStorableDate, UUIDScalar } from '@tessera/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Contract, ContractStatus } from '../entities/contract.entity';

export const MAX_INVITATION_PREFIX_LENGTH = 8;
export const MAX_CONTRACT_PRICES = 100;
/** Only symbols of the code alphabet, so a prefix never holds a look-alike (0/O, 1/I/L, U, Z). */
export const INVITATION_PREFIX_PATTERN = new RegExp(`^[${Alphabet.DEFAULT.chars}]{0,${MAX_INVITATION_PREFIX_LENGTH}}$`);
const INVITATION_PREFIX_MESSAGE =
  `must be at most ${MAX_INVITATION_PREFIX_LENGTH} characters of ${Alphabet.DEFAULT.chars} ` +
  '(no 0, 1, O, I, L, U or Z; case, spaces and hyphens do not matter)';

/** As codes are typed: case, spaces and hyphens do not matter. */
const canonicalPrefix = ({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeCode(value) : value);

@ObjectType({ description: 'A page of contracts.' })
export class ContractConnection extends Connection(Contract) {}

@InputType({ description: 'Narrows the contracts listed.' })
export class ContractFilter {
  @Field({ nullable: true, description: 'Part of the name or invitation prefix, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @Field(() => ContractStatus, { nullable: true, description: 'Only contracts with this status.' })
  @IsOptional()
  @IsEnum(ContractStatus)
  status?: ContractStatus;
}

@InputType({ description: 'A new contract of an organisation (its admins).' })
export class CreateContractInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field({ description: 'Name.' })
  @IsName(200)
  name: string;

  @Field({
    nullable: true,
    description: `Prefix of the contract's codes: up to ${MAX_INVITATION_PREFIX_LENGTH} symbols of the code alphabet.`,
  })
  @IsOptional()
  @Transform(canonicalPrefix)
  @Matches(INVITATION_PREFIX_PATTERN, { message: INVITATION_PREFIX_MESSAGE })
  invitationPrefix?: string;

  @Field(() => [UUIDScalar], { nullable: true, description: "The prices the contract allows: the organisation's own or the platform's." })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTRACT_PRICES)
  @IsUUID('all', { each: true, message: 'must be a UUID' })
  priceIds?: string[];

  @Field(() => Date, { nullable: true, description: 'First day the contract applies.' })
  @IsOptional()
  @IsStorableDate()
  startsAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Last moment the contract applies; not before startsAt.' })
  @IsOptional()
  @IsStorableDate()
  endsAt?: Date;
}

@ObjectType({ description: 'The contract created.' })
export class CreateContractPayload {
  @Field(() => Contract, { description: 'The new contract.' })
  contract: Contract;
}

@InputType({ description: 'Changes to an active contract; fields left out stay as they are.' })
export class UpdateContractInput {
  @Field(() => UUIDScalar, { description: 'The contract.' })
  contractId: string;

  @Field({ nullable: true, description: 'New name.' })
  @IsOptional()
  @IsName(200)
  name?: string;

  @Field({ nullable: true, description: 'New prefix for codes made from now on (codes already made keep theirs).' })
  @IsOptional()
  @Transform(canonicalPrefix)
  @Matches(INVITATION_PREFIX_PATTERN, { message: INVITATION_PREFIX_MESSAGE })
  invitationPrefix?: string;

  @Field(() => [UUIDScalar], { nullable: true, description: 'The prices the contract allows, replacing the whole set.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTRACT_PRICES)
  @IsUUID('all', { each: true, message: 'must be a UUID' })
  priceIds?: string[];

  @Field(() => Date, { nullable: true, description: 'First day the contract applies (null: no start).' })
  @IsOptional()
  @IsStorableDate()
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last moment the contract applies (null: no end).' })
  @IsOptional()
  @IsStorableDate()
  endsAt?: Date | null;
}

@ObjectType({ description: 'The changed contract.' })
export class UpdateContractPayload {
  @Field(() => Contract, { description: 'The contract after the change.' })
  contract: Contract;
}

@InputType({ description: 'A contract to archive: it is kept with its codes, but cannot change and no new codes are made for it.' })
export class ArchiveContractInput {
  @Field(() => UUIDScalar, { description: 'The contract.' })
  contractId: string;

  @Field({ nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

@ObjectType({ description: 'The archived contract.' })
export class ArchiveContractPayload {
  @Field(() => Contract, { description: 'The contract, now ARCHIVED.' })
  contract: Contract;
}
