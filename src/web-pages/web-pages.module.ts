import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { AccessLines } from './access-lines';
import { AccountPagesController } from './account-pages.controller';
import { InvitationPageController } from './invitation-page.controller';
import { JoinPageController } from './join-page.controller';

/**
 * The plain HTML pages behind the links in Tessera's mails (APP_URL/invitations/accept,
 * /set-password, /sign-in, /join), so a newcomer who follows one gets somewhere even with no web app in
 * front. Server-rendered, no scripts; they call the same services as the GraphQL API.
 */
@Module({
  imports: [IdentityModule, InvitationsModule, AccessModule, ContractsModule],
  controllers: [InvitationPageController, AccountPagesController, JoinPageController],
  providers: [AccessLines],
})
export class WebPagesModule {}
