import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ParticipantImport } from './entities/participant-import.entity';
import { ParticipantCodesResolver } from './participant-codes.resolver';
import { ParticipantCodesService } from './participant-codes.service';
import { ParticipantsExportController } from './participants-export.controller';
import { RegistrationLookupResolver } from './registration-lookup.resolver';
import { RegistrationLookupService } from './registration-lookup.service';
import { SeatAssignmentResolver } from './seat-assignment.resolver';
import { SeatAssignmentService } from './seat-assignment.service';

/** Handing codes out: seats given directly, participants' codes (one, or by the spreadsheet round trip), and the public look-up before registering. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ParticipantImport]),
    IdentityModule,
    ContractsModule,
    InventoryModule,
    NotificationsModule,
    AccessModule,
  ],
  providers: [
    ParticipantCodesService,
    ParticipantCodesResolver,
    RegistrationLookupService,
    RegistrationLookupResolver,
    SeatAssignmentService,
    SeatAssignmentResolver,
  ],
  controllers: [ParticipantsExportController],
})
export class DistributionModule {}
