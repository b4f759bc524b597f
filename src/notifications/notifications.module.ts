import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { ContractsModule } from '../contracts/contracts.module';
import { DistributionModule } from '../distribution/distribution.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { AccessMails } from './access-mails';
import { CodeSendDeliveryResolver, CodeSendMails } from './code-send-mails';
import { InvitationMails } from './invitation-mails';
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

/**
 * E-mail: templates organisations edit at run time, the delivery log, and sending through SMTP or
 * files. The mails themselves are subscribers of the other modules' events (after commit): those
 * modules do not know notifications; notifications knows them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([MessageTemplate, Message]),
    IdentityModule,
    ContractsModule,
    InventoryModule,
    AccessModule,
    InvitationsModule,
    DistributionModule,
    WebhooksModule,
  ],
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
    AccessMails,
    InvitationMails,
    CodeSendMails,
    CodeSendDeliveryResolver,
    PlatformAlerts,
    WebhookAlerts,
  ],
  exports: [MessageTemplatesService, NotificationsService],
})
export class NotificationsModule {}
