import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { ContractsResolver } from './contracts.resolver';
import { ContractsFields } from './contracts-fields';
import { ContractsService } from './contracts.service';
import { Contract } from './entities/contract.entity';
import { Order } from './entities/order.entity';
import { Participant } from './entities/participant.entity';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';
import { OrdersResolver } from './orders.resolver';
import { OrdersService } from './orders.service';
import { ParticipantsResolver } from './participants.resolver';
import { ParticipantsService } from './participants.service';
import { PricesResolver, ProductsResolver } from './products.resolver';

/**
 * Products, prices, contracts and their participants (the participants' codes are distribution's),
 * and orders of seats (their codes are the inventory's, made on OrderRecorded).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Product, Price, Contract, Participant, Order]), IdentityModule],
  providers: [
    ContractsService,
    ProductsResolver,
    PricesResolver,
    ContractsResolver,
    ParticipantsService,
    ParticipantsResolver,
    OrdersService,
    OrdersResolver,
    ContractsFields,
  ],
  exports: [ContractsService, ParticipantsService, OrdersService, ContractsFields],
})
export class ContractsModule {}
