import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { CodeRecipientsResolver } from './code-recipients.resolver';
import { CodeSendHistoryResolver } from './code-send-history.resolver';
import { CodeSendStore } from './code-send-store';
import { CodeSendingResolver } from './code-sending.resolver';
import { CodeSendingService } from './code-sending.service';
import { CodeSend } from './entities/code-send.entity';
import { ParticipantImport } from './entities/participant-import.entity';
import { PeopleImport } from './entities/people-import.entity';
import { PeopleImportResolver } from './people-import.resolver';
import { PeopleImportProgress } from './people-import-progress';
import { PeopleImportRecovery } from './people-import-recovery';
import { PeopleImportService } from './people-import.service';
import { ParticipantCodesResolver, ParticipantImportFieldsResolver } from './participant-codes.resolver';
import { ParticipantCodesService } from './participant-codes.service';
import { ParticipantsExportController } from './participants-export.controller';
import { RegistrationLookupResolver } from './registration-lookup.resolver';
import { RegistrationLookupService } from './registration-lookup.service';
import { SeatAssignmentResolver } from './seat-assignment.resolver';
import { SeatAssignmentService } from './seat-assignment.service';

/**
 * Handing codes out: e-mailed to members (with the candidate list and the send history), seats
 * given directly or from a file, participants' codes (one, or by the spreadsheet round trip), and
 * the public look-up before registering.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ParticipantImport, PeopleImport, CodeSend]),
    IdentityModule,
    ContractsModule,
    InventoryModule,
    AccessModule,
    InvitationsModule,
  ],
  providers: [
    CodeSendingService,
    CodeSendStore,
    CodeSendingResolver,
    CodeRecipientsResolver,
    CodeSendHistoryResolver,
    ParticipantCodesService,
    ParticipantCodesResolver,
    ParticipantImportFieldsResolver,
    RegistrationLookupService,
    RegistrationLookupResolver,
    SeatAssignmentService,
    SeatAssignmentResolver,
    PeopleImportService,
    PeopleImportProgress,
    PeopleImportRecovery,
    PeopleImportResolver,
  ],
  controllers: [ParticipantsExportController],
  exports: [CodeSendingService],
})
export class DistributionModule {}
