import { Field, InputType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@InputType({ description: 'A CSV file of people (First name, Last name, E-mail, optional Password) to give seats to.' })
export class UploadSeatAssignmentsInput {
  @Field(() => UUIDScalar, { description: 'The organisation whose seats are given.' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The price whose free codes are the seats.' })
  priceId: string;

  @Field(() => GraphQLUpload, { description: 'The CSV file (comma- or semicolon-separated, UTF-8, a header row).' })
  file: Promise<FileUpload>;
}

@InputType({ description: 'A CSV file of e-mail addresses (an E-mail column) to invite.' })
export class UploadInvitationsInput {
  @Field(() => UUIDScalar, { description: 'The organisation whose seats are offered.' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The price whose free codes are the seats (one per address).' })
  priceId: string;

  @Field(() => GraphQLUpload, { description: 'The CSV file (comma- or semicolon-separated, UTF-8, a header row).' })
  file: Promise<FileUpload>;

  @Field({ nullable: true, description: 'Extra text for every invitation mail (at most 2,000 characters).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

@InputType({ description: 'A checked people file to carry out.' })
export class CompletePeopleImportInput {
  @Field(() => UUIDScalar, { description: 'The import (status VALID).' })
  importId: string;
}
