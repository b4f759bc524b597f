import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { IdentityFields } from '../identity/identity-fields';
import { ContractsService } from './contracts.service';
import {
  ArchiveContractInput,
  ArchiveContractPayload,
  ContractConnection,
  ContractFilter,
  CreateContractInput,
  CreateContractPayload,
  UpdateContractInput,
  UpdateContractPayload,
} from './dto/contract.dto';
import { Contract } from './entities/contract.entity';
import { Price } from './entities/price.entity';

@Resolver(() => Contract)
export class ContractsResolver {
  constructor(
    private readonly service: ContractsService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => ContractConnection, { description: "An organisation's contracts (its admins and API keys)." })
  contracts(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: ContractFilter,
  ): Promise<ContractConnection> {
    return this.service.listContracts(actor, organizationId, page, filter);
  }

  @Query(() => Contract, { description: 'One contract (admins and API keys of its organisation).' })
  contract(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'Its id.' }) id: string): Promise<Contract> {
    return this.service.getContract(actor, id);
  }

  @Mutation(() => CreateContractPayload, { description: 'Creates a contract of an organisation (its admins).' })
  async createContract(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The new contract.' }) input: CreateContractInput,
  ): Promise<CreateContractPayload> {
    return { contract: await this.service.createContract(actor, input) };
  }

  @Mutation(() => UpdateContractPayload, {
    description: "Changes an active contract's name, prefix, dates or allowed prices (admins of its organisation).",
  })
  async updateContract(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The contract and its changes.' }) input: UpdateContractInput,
  ): Promise<UpdateContractPayload> {
    return { contract: await this.service.updateContract(actor, input) };
  }

  @Mutation(() => ArchiveContractPayload, {
    description: 'Archives a contract: its codes stay, but it cannot change and no new codes are made for it (admins of its organisation).',
  })
  async archiveContract(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The contract to archive.' }) input: ArchiveContractInput,
  ): Promise<ArchiveContractPayload> {
    return { contract: await this.service.archiveContract(actor, input.contractId, input.reason ?? null) };
  }

  @ResolveField(() => [Price], { description: 'The prices the contract allows.' })
  async prices(@Parent() contract: Contract, @Context('loaders') loaders: Loaders): Promise<Price[]> {
    return (await loaders.get<Price[]>('pricesOfContract', (ids) => this.service.pricesOfContracts(ids)).load(contract.id)) ?? [];
  }

  @ResolveField(() => Organization, { description: 'The organisation whose contract it is.' })
  async organization(
    @Parent() contract: Contract,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, contract.organizationId), 'organisation');
  }
}
