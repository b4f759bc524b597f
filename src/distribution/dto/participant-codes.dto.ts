import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { MAX_WIDTH, MIN_WIDTH } from '@tessera/codes';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { Participant } from '../../contracts/entities/participant.entity';
import { Code } from '../../inventory/entities/code.entity';

@InputType({ description: 'One participant, their own code.' })
export class GenerateParticipantCodeInput {
  @Field(() => UUIDScalar, { description: 'The participant.' })
  participantId: string;

  @Field(() => UUIDScalar, { description: 'One of the contract’s prices.' })
  priceId: string;

  @Field(() => Int, { defaultValue: 10, description: `Characters after the contract’s prefix (${MIN_WIDTH}–${MAX_WIDTH}).` })
  @IsInt()
  @Min(MIN_WIDTH)
  @Max(MAX_WIDTH)
  width: number;

  @Field({ defaultValue: true, description: 'End the code with a check character that catches typos.' })
  @IsBoolean()
  checkCharacter: boolean;
}

@ObjectType({ description: 'The participant and their new code.' })
export class GenerateParticipantCodePayload {
  @Field(() => Participant, { description: 'The participant.' })
  participant: Participant;

  @Field(() => Code, { description: 'Their code.' })
  code: Code;
}

@InputType({ description: 'The participants file, with Price Code filled for those who need a code.' })
export class UploadParticipantCodesInput {
  @Field(() => UUIDScalar, { description: 'The contract the file was downloaded from.' })
  contractId: string;

  @Field(() => GraphQLUpload, { description: 'The CSV file (comma- or semicolon-separated, UTF-8).' })
  file: Promise<FileUpload>;

  @Field(() => Int, { defaultValue: 10, description: `Characters of each code after the prefix (${MIN_WIDTH}–${MAX_WIDTH}).` })
  @IsInt()
  @Min(MIN_WIDTH)
  @Max(MAX_WIDTH)
  width: number;

  @Field({ defaultValue: true, description: 'End each code with a check character that catches typos.' })
  @IsBoolean()
  checkCharacter: boolean;
}

@InputType({ description: 'A checked participants file to complete.' })
export class CompleteParticipantImportInput {
  @Field(() => UUIDScalar, { description: 'The import (status VALID).' })
  importId: string;
}
