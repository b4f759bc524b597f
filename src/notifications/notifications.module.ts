import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { MessageTemplate } from './entities/message-template.entity';
import { Message } from './entities/message.entity';
import { MailTransport } from './mail-transport';
import { AccountMails } from './account-mails';
import { PlatformAlerts } from './platform-alerts';
import { WebhookAlerts } from './webhook-alerts';
import { MessageRecovery } from './message-recovery';
import { MessageSender } from './message-sender';
import { MessageStore } from './message-store';
import { MessagesResolver } from './messages.resolver';
import { NotificationsService } from './notifications.service';
import { MessageTemplatesResolver } from './message-templates.resolver';
import { MessageTemplatesService } from './message-templates.service';

/** E-mail: templates organisations edit at run time, the delivery log, and sending through SMTP or files. */
@Module({
  imports: [TypeOrmModule.forFeature([MessageTemplate, Message]), IdentityModule, WebhooksModule],
  providers: [
    MessageTemplatesService,
    MessageTemplatesResolver,
    NotificationsService,
    MessageSender,
    MessageStore,
    MailTransport,
    MessagesResolver,
    MessageRecovery,
    AccountMails,
    PlatformAlerts,
    WebhookAlerts,
  ],
  exports: [MessageTemplatesService, NotificationsService],
})
export class NotificationsModule {}
