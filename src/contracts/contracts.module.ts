import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { ContractsResolver } from './contracts.resolver';
import { ContractsService } from './contracts.service';
import { Contract } from './entities/contract.entity';
import { Participant } from './entities/participant.entity';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';
import { ParticipantsResolver } from './participants.resolver';
import { ParticipantsService } from './participants.service';
import { PricesResolver, ProductsResolver } from './products.resolver';

/** Products, prices, contracts and their participants (the participants' codes are distribution's). */
@Module({
  imports: [TypeOrmModule.forFeature([Product, Price, Contract, Participant]), IdentityModule],
  providers: [ContractsService, ProductsResolver, PricesResolver, ContractsResolver, ParticipantsService, ParticipantsResolver],
  exports: [ContractsService, ParticipantsService],
})
export class ContractsModule {}
