import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, IsBirthDate, IsEmailAddress, IsName, UUIDScalar } from '@tessera/common';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Participant } from '../entities/participant.entity';

@ObjectType({ description: 'A page of participants.' })
export class ParticipantConnection extends Connection(Participant) {}

@InputType({ description: 'Narrows the participants listed.' })
export class ParticipantFilter {
  @Field({ nullable: true, description: 'Part of the name, e-mail, phone or external reference, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @Field({ nullable: true, description: 'Only participants with (true) or without (false) their own code.' })
  @IsOptional()
  @IsBoolean()
  hasCode?: boolean;
}

/** The person's details, shared by create and update. */
@InputType({ isAbstract: true })
class ParticipantDetails {
  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  @IsOptional()
  @IsEmailAddress()
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number (digits, spaces, +, -, parentheses).' })
  @IsOptional()
  @Matches(/^[0-9+() .-]{3,40}$/, { message: 'must be a phone number (digits, spaces, +, -, parentheses)' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth, YYYY-MM-DD.' })
  @IsOptional()
  @IsBirthDate()
  dateOfBirth?: string | null;

  @Field(() => String, { nullable: true, description: "The organisation's own reference for the person." })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  externalReference?: string | null;
}

@InputType({ description: 'A new participant of a contract.' })
export class CreateParticipantInput extends ParticipantDetails {
  @Field(() => UUIDScalar, { description: 'The contract.' })
  contractId: string;

  @Field({ description: 'First name.' })
  @IsName(100)
  firstName: string;

  @Field({ description: 'Last name.' })
  @IsName(100)
  lastName: string;
}

@InputType({ description: "Changes to a participant's details; fields left out stay as they are." })
export class UpdateParticipantInput extends ParticipantDetails {
  @Field(() => UUIDScalar, { description: 'The participant.' })
  participantId: string;

  @Field({ nullable: true, description: 'First name.' })
  @IsOptional()
  @IsName(100)
  firstName?: string;

  @Field({ nullable: true, description: 'Last name.' })
  @IsOptional()
  @IsName(100)
  lastName?: string;
}

@InputType({ description: 'A participant to remove.' })
export class RemoveParticipantInput {
  @Field(() => UUIDScalar, { description: 'The participant.' })
  participantId: string;
}

@ObjectType({ description: 'The participant.' })
export class ParticipantPayload {
  @Field(() => Participant, { description: 'The participant as it is now (or was, when removed).' })
  participant: Participant;
}
