import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { MessageTemplate } from './entities/message-template.entity';
import { MessageTemplatesResolver } from './message-templates.resolver';
import { MessageTemplatesService } from './message-templates.service';

/** E-mail: the templates organisations edit at run time (the mail queue and delivery log come next). */
@Module({
  imports: [TypeOrmModule.forFeature([MessageTemplate]), IdentityModule],
  providers: [MessageTemplatesService, MessageTemplatesResolver],
  exports: [MessageTemplatesService],
})
export class NotificationsModule {}
