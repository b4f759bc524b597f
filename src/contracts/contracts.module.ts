import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { ContractsService } from './contracts.service';
import { Contract } from './entities/contract.entity';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';

/** Products, prices, contracts (participants and the CSV round trip come with the contracts issue). */
@Module({
  imports: [TypeOrmModule.forFeature([Product, Price, Contract]), IdentityModule],
  providers: [ContractsService],
  exports: [ContractsService],
})
export class ContractsModule {}
