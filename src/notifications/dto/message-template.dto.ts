import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { IsEnum, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { MessageKind } from '../message-kinds';

@ObjectType({ description: "The text of one kind of message for an organisation: its own, or Tessera's default." })
export class MessageTemplateView {
  @Field(() => MessageKind, { description: 'Which message.' })
  kind: MessageKind;

  @Field({ description: 'Subject (Handlebars, plain text).' })
  subject: string;

  @Field({
    description:
      'HTML body (Handlebars; every {{value}} is escaped; only simple formatting, list, table, link and image tags; set inside the shared layout). A link that controls an account (accepting an invitation, setting a password) is not a variable: Tessera renders it above this text.',
  })
  html: string;

  @Field({ description: 'Plain-text body (Handlebars).' })
  text: string;

  @Field({ description: "True while the organisation uses Tessera's default text." })
  isDefault: boolean;

  @Field(() => [String], {
    description:
      "Rules the saved text breaks (rules added after it was saved, e.g. a link variable that Tessera now renders itself): while there are any, mails of this kind use Tessera's default text. Empty when the text is in use.",
  })
  problems: string[];

  @Field(() => [String], { description: 'The variables this kind of message offers, e.g. recipient.firstName.' })
  variables: string[];

  @Field(() => Date, { nullable: true, description: 'When the organisation last changed it.' })
  updatedAt: Date | null;
}

@InputType({ description: "An organisation's text for one kind of message; all three parts are checked before saving." })
export class UpdateMessageTemplateInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field(() => MessageKind, { description: 'Which message.' })
  @IsEnum(MessageKind)
  kind: MessageKind;

  @Field({ description: 'Subject (Handlebars).' })
  @IsString()
  @Length(1, 300)
  subject: string;

  @Field({ description: 'HTML body (Handlebars).' })
  @IsString()
  @Length(1, 100_000)
  html: string;

  @Field({ description: 'Plain-text body (Handlebars).' })
  @IsString()
  @Length(1, 100_000)
  text: string;
}

@InputType({ description: "A kind of message to return to Tessera's default text." })
export class ResetMessageTemplateInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field(() => MessageKind, { description: 'Which message.' })
  @IsEnum(MessageKind)
  kind: MessageKind;
}

@ObjectType({ description: 'The template after the change.' })
export class MessageTemplatePayload {
  @Field(() => MessageTemplateView, { description: 'The template now in use.' })
  template: MessageTemplateView;
}

@InputType({ description: 'What to preview: the saved template, or a draft of any of its parts.' })
export class PreviewMessageInput {
  @Field(() => UUIDScalar, { description: 'The organisation.' })
  organizationId: string;

  @Field(() => MessageKind, { description: 'Which message.' })
  @IsEnum(MessageKind)
  kind: MessageKind;

  @Field({ nullable: true, description: 'A draft subject (else the saved one).' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  subject?: string;

  @Field({ nullable: true, description: 'A draft HTML body (else the saved one).' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  html?: string;

  @Field({ nullable: true, description: 'A draft text body (else the saved one).' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  text?: string;
}

@ObjectType({ description: 'A message as it would be sent, rendered with sample data.' })
export class RenderedMessageView {
  @Field({ description: 'Subject.' })
  subject: string;

  @Field({ description: 'Complete HTML (in the layout).' })
  html: string;

  @Field({ description: 'Plain text.' })
  text: string;
}
