import { ArgsType, Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, IsEmailAddress, PageArgs, UUIDScalar } from '@tessera/common';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { Code } from '../../inventory/entities/code.entity';
import { CodeSend } from '../entities/code-send.entity';

/** Long enough for a real note, short enough to keep the mail a mail. */
export const MAX_SEND_TEXT = 2000;

@InputType({ description: 'A code to e-mail to a member of its organisation: give the member by userId or by email, not both.' })
export class SendCodeInput {
  @Field(() => UUIDScalar, { description: 'The code (AVAILABLE; it may have been sent before).' })
  codeId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The member to send it to.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'The e-mail address of the member to send it to (case does not matter).' })
  @IsOptional()
  // Pasted addresses often carry a space at either end.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmailAddress()
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `A message that goes into the e-mail with the code (up to ${MAX_SEND_TEXT} characters).`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEND_TEXT)
  message?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `A note for the organisation's admins, kept with the send (up to ${MAX_SEND_TEXT} characters). Never e-mailed.`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEND_TEXT)
  adminComment?: string | null;
}

@ObjectType({ description: 'The code, now recording who it was last sent to, and the send.' })
export class SendCodePayload {
  @Field(() => Code, { description: 'The code (still AVAILABLE until the person redeems it).' })
  code: Code;

  @Field(() => CodeSend, { description: 'The new entry of the code’s send history.' })
  send: CodeSend;
}

@ObjectType({ description: 'A page of a code’s send history, newest first.' })
export class CodeSendConnection extends Connection(CodeSend) {}

export enum CodeRecipientStatus {
  NEVER_SENT = 'NEVER_SENT',
  SENT_NOT_REDEEMED = 'SENT_NOT_REDEEMED',
}

registerEnumType(CodeRecipientStatus, {
  name: 'CodeRecipientStatus',
  description: 'Where a member who has not redeemed a code stands.',
  valuesMap: {
    NEVER_SENT: { description: 'No code of the organisation was ever sent to them.' },
    SENT_NOT_REDEEMED: { description: 'A code was sent to them (see lastSend), and they have not redeemed one.' },
  },
});

/** A member who could be sent a code; `user` and `lastSend` are resolved by id, in batches. */
@ObjectType({ description: 'A member of the organisation who has not redeemed a code there: someone to send a code to.' })
export class CodeRecipient {
  /** The cursor: members are listed in the order they joined. */
  membershipId: string;
  userId: string;
  lastSendId: string | null;

  @Field(() => CodeRecipientStatus, { description: 'Whether they were ever sent a code of the organisation.' })
  status: CodeRecipientStatus;
}

@ObjectType({ description: 'A page of members who could be sent a code.' })
export class CodeRecipientConnection extends Connection(CodeRecipient) {}

@ArgsType()
export class CodeRecipientsArgs extends PageArgs {
  @Field(() => UUIDScalar, { description: 'The code to send: the list is of its organisation’s members.' })
  codeId: string;

  @Field(() => String, { nullable: true, description: 'Only members whose name or e-mail contains this.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => CodeRecipientStatus, { nullable: true, description: 'Only members in this state.' })
  @IsOptional()
  @IsEnum(CodeRecipientStatus)
  status?: CodeRecipientStatus | null;
}
