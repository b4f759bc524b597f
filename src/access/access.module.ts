import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccessResolver } from './access.resolver';
import { AccessGrant } from './entities/access-grant.entity';
import { RedemptionService } from './redemption.service';

/** Redemption and access grants: the one place a code is used and a person gets access. */
@Module({
  imports: [TypeOrmModule.forFeature([AccessGrant]), IdentityModule, ContractsModule, InventoryModule, NotificationsModule],
  providers: [RedemptionService, AccessResolver],
  exports: [RedemptionService],
})
export class AccessModule {}
