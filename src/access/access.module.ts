import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { AccessExpiry } from './access-expiry';
import { AccessFields } from './access-fields';
import { AccessGrantsService } from './access-grants.service';
import { AccessResolver } from './access.resolver';
import { CodeRegistrationResolver } from './code-registration.resolver';
import { CodeRegistrationService } from './code-registration.service';
import { CodeGrantResolver } from './code-grant.resolver';
import { AccessGrant } from './entities/access-grant.entity';
import { GrantChange } from './entities/grant-change.entity';
import { MilestoneCompletion } from './entities/milestone-completion.entity';
import { GrantChangesResolver } from './grant-changes.resolver';
import { RedemptionService } from './redemption.service';
import { RegistrationsExportController } from './registrations-export.controller';

/** Redemption and access grants: the one place a code is used and a person gets access (a newcomer's registration with a code too); revoke, extend, milestones, registrations. */
@Module({
  imports: [TypeOrmModule.forFeature([AccessGrant, GrantChange, MilestoneCompletion]), IdentityModule, ContractsModule, InventoryModule],
  providers: [
    RedemptionService,
    AccessGrantsService,
    AccessResolver,
    AccessExpiry,
    CodeRegistrationService,
    CodeRegistrationResolver,
    AccessFields,
    CodeGrantResolver,
    GrantChangesResolver,
  ],
  controllers: [RegistrationsExportController],
  exports: [RedemptionService, AccessGrantsService, AccessFields],
})
export class AccessModule {}
