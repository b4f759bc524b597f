import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger } from '@nestjs/common';
import { BadUserInputError, newId } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { DEFAULT_TEMPLATES, type TemplateParts } from './default-templates';
import type { MessageTemplateView, PreviewMessageInput, RenderedMessageView, UpdateMessageTemplateInput } from './dto/message-template.dto';
import { MessageTemplate } from './entities/message-template.entity';
import { MessageTemplateChanged } from './events/notification.events';
import { ACCOUNT_LINKS, MESSAGE_VARIABLES, MessageKind, PLATFORM_KINDS, SAMPLE_ACCOUNT_LINK, sampleData } from './message-kinds';
import { renderMessage, templateProblems, type AccountLink, type RenderedMessage } from './template-renderer';

const ADMIN = { role: MemberRole.ORG_ADMIN };

/** The texts of an organisation's e-mails: Tessera's defaults, or the admins' own, edited at run time. */
@Injectable()
export class MessageTemplatesService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

  private get templates() {
    return this.txHost.tx.getRepository(MessageTemplate);
  }

  async list(actor: Actor, organizationId: string): Promise<MessageTemplateView[]> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    const own = new Map((await this.templates.findBy({ organizationId })).map((t) => [t.kind, t]));
    return Object.values(MessageKind)
      .filter((kind) => !PLATFORM_KINDS.has(kind))
      .map((kind) => view(kind, own.get(kind)));
  }

  @Transactional()
  async update(actor: Actor, input: UpdateMessageTemplateInput): Promise<MessageTemplateView> {
    await this.access.requireOrganization(actor, input.organizationId, ADMIN);
    refusePlatformKind(input.kind);
    check(input.kind, input);
    await this.templates
      .createQueryBuilder()
      .insert()
      .values({
        id: newId(),
        organizationId: input.organizationId,
        kind: input.kind,
        subject: input.subject,
        html: input.html,
        text: input.text,
        updatedById: actorUserId(actor),
      })
      .orUpdate(['subject', 'html', 'text', 'updated_by_id', 'updated_at'], ['organization_id', 'kind'])
      .execute();
    await this.events.publish(
      new MessageTemplateChanged({ kind: input.kind, reset: false }, { organizationId: input.organizationId, actorId: actorUserId(actor) }),
    );
    return view(input.kind, (await this.templates.findOneBy({ organizationId: input.organizationId, kind: input.kind }))!);
  }

  @Transactional()
  async reset(actor: Actor, organizationId: string, kind: MessageKind): Promise<MessageTemplateView> {
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    refusePlatformKind(kind);
    await this.templates.delete({ organizationId, kind });
    await this.events.publish(new MessageTemplateChanged({ kind, reset: true }, { organizationId, actorId: actorUserId(actor) }));
    return view(kind, undefined);
  }

  /** The saved template (or a draft of some parts) rendered with sample data; drafts are checked as on save. */
  async preview(actor: Actor, input: PreviewMessageInput): Promise<RenderedMessageView> {
    await this.access.requireOrganization(actor, input.organizationId, ADMIN);
    refusePlatformKind(input.kind);
    const saved = await this.partsFor(input.organizationId, input.kind);
    const parts = { subject: input.subject ?? saved.subject, html: input.html ?? saved.html, text: input.text ?? saved.text };
    check(input.kind, parts);
    const link = ACCOUNT_LINKS[input.kind];
    return renderMessage(parts, sampleData(input.kind), link ? { label: link.label, url: SAMPLE_ACCOUNT_LINK } : undefined);
  }

  /** An organisation's message of a kind with the given data (and account link), as it would be sent. */
  async render(
    organizationId: string | null,
    kind: MessageKind,
    data: Record<string, unknown>,
    accountLink?: AccountLink,
  ): Promise<RenderedMessage> {
    return renderMessage(await this.partsFor(organizationId, kind), data, accountLink);
  }

  /**
   * What the mail processor renders: the organisation's own text of a kind, or the default (also
   * for mail of no organisation, Tessera's own kinds, and while a text saved before a rule was
   * added breaks it).
   */
  async partsFor(organizationId: string | null, kind: MessageKind): Promise<TemplateParts> {
    if (!organizationId || PLATFORM_KINDS.has(kind)) return DEFAULT_TEMPLATES[kind];
    const own = await this.templates.findOneBy({ organizationId, kind });
    if (own && templateProblems(kind, own).length) {
      this.logger.warn({ message: 'A saved template breaks the template rules: the default text is used', organizationId, kind });
      return DEFAULT_TEMPLATES[kind];
    }
    return own ?? DEFAULT_TEMPLATES[kind];
  }
}

function refusePlatformKind(kind: MessageKind): void {
  if (PLATFORM_KINDS.has(kind)) {
    throw BadUserInputError.field(
      'kind',
      "is one of Tessera's own messages (about an account itself, or for the platform): organisations do not change it",
    );
  }
}

function check(kind: MessageKind, parts: TemplateParts): void {
  const problems = templateProblems(kind, parts);
  if (problems.length > 0) throw new BadUserInputError(problems.map((p) => ({ field: p.part, message: p.message })));
}

function view(kind: MessageKind, own: MessageTemplate | undefined): MessageTemplateView {
  const parts = own ?? DEFAULT_TEMPLATES[kind];
  return {
    kind,
    subject: parts.subject,
    html: parts.html,
    text: parts.text,
    isDefault: !own,
    problems: own ? templateProblems(kind, own).map((problem) => `${problem.part}: ${problem.message}`) : [],
    variables: Object.keys(MESSAGE_VARIABLES[kind]),
    updatedAt: own?.updatedAt ?? null,
  };
}
