import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { Invitation } from './entities/invitation.entity';
import { InvitationAcceptance } from './invitation-acceptance.service';
import { InvitationExpiry } from './invitation-expiry';
import { InvitationStore } from './invitation-store';
import { InvitationFieldsResolver } from './invitation-fields.resolver';
import { InvitationsResolver } from './invitations.resolver';
import { InvitationsService } from './invitations.service';

/** E-mail invitations: links, accept, first-accept-wins, expiry. */
@Module({
  imports: [TypeOrmModule.forFeature([Invitation]), IdentityModule, ContractsModule, InventoryModule, AccessModule],
  providers: [InvitationsService, InvitationAcceptance, InvitationsResolver, InvitationFieldsResolver, InvitationExpiry, InvitationStore],
  exports: [InvitationsService, InvitationAcceptance],
})
export class InvitationsModule {}
