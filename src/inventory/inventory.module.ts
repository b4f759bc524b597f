import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { BatchProgress } from './batch-progress';
import { BatchesResolver } from './batches.resolver';
import { CodeGenerationService } from './code-generation.service';
import { CodeImportService } from './code-import.service';
import { CodeStore } from './code-store';
import { CodesExportController } from './codes-export.controller';
import { CodesResolver } from './codes.resolver';
import { CodesService } from './codes.service';
import { InventoryFields } from './inventory-fields';
import { OrderSeatsResolver } from './order-seats.resolver';
import { OrderSeatsService } from './order-seats.service';
import { StuckBatchReaper } from './stuck-batch-reaper';
import { CodeBatch } from './entities/code-batch.entity';
import { Code } from './entities/code.entity';

/** Codes and batches: generate, import, search, export, the code's lifecycle, and the codes of orders' seats. */
@Module({
  imports: [TypeOrmModule.forFeature([Code, CodeBatch]), IdentityModule, ContractsModule],
  providers: [
    CodesService,
    CodeGenerationService,
    CodeImportService,
    CodeStore,
    BatchProgress,
    StuckBatchReaper,
    CodesResolver,
    BatchesResolver,
    OrderSeatsService,
    OrderSeatsResolver,
    InventoryFields,
  ],
  controllers: [CodesExportController],
  exports: [CodesService, CodeGenerationService, InventoryFields],
})
export class InventoryModule {}
