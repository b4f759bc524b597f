import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection, UUIDScalar } from '@tessera/common';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { Message, MessageStatus } from '../entities/message.entity';
import { MessageKind } from '../message-kinds';

@ObjectType({ description: 'A page of the delivery log.' })
export class MessageConnection extends Connection(Message) {}

@InputType({ description: 'Narrows the delivery log.' })
export class MessageFilter {
  @Field(() => [MessageStatus], { nullable: true, description: 'Only messages with one of these statuses.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsEnum(MessageStatus, { each: true })
  status?: MessageStatus[];

  @Field(() => MessageKind, { nullable: true, description: 'Only this kind of message.' })
  @IsOptional()
  @IsEnum(MessageKind)
  kind?: MessageKind;

  @Field({ nullable: true, description: 'Only messages to an address containing this.' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  recipient?: string;
}

@InputType({ description: 'A logged message to send again.' })
export class ResendMessageInput {
  @Field(() => UUIDScalar, { description: 'The message.' })
  messageId: string;
}

@ObjectType({ description: 'The new entry of the delivery log.' })
export class ResendMessagePayload {
  @Field(() => Message, { description: 'The message, queued again.' })
  message: Message;
}
