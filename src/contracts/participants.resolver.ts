import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { IdentityFields } from '../identity/identity-fields';
import { ContractsFields } from './contracts-fields';
import {
  CreateParticipantInput,
  ParticipantConnection,
  ParticipantFilter,
  ParticipantPayload,
  RemoveParticipantInput,
  UpdateParticipantInput,
} from './dto/participant.dto';
import { Contract } from './entities/contract.entity';
import { Participant } from './entities/participant.entity';
import { ParticipantsService } from './participants.service';

@Resolver(() => Participant)
export class ParticipantsResolver {
  constructor(
    private readonly service: ParticipantsService,
    private readonly contracts: ContractsFields,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => ParticipantConnection, { description: "A contract's participants, searchable (its organisation's admins)." })
  participants(
    @CurrentActor() actor: Actor,
    @Args('contractId', { type: () => UUIDScalar, description: 'The contract.' }) contractId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: ParticipantFilter,
  ): Promise<ParticipantConnection> {
    return this.service.list(actor, contractId, page, filter);
  }

  @Query(() => Participant, { description: 'One participant.' })
  participant(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The participant.' }) id: string,
  ): Promise<Participant> {
    return this.service.get(actor, id);
  }

  @Mutation(() => ParticipantPayload, { description: 'Adds a person to a contract.' })
  async createParticipant(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The contract and the person.' }) input: CreateParticipantInput,
  ): Promise<ParticipantPayload> {
    return { participant: await this.service.create(actor, input) };
  }

  @Mutation(() => ParticipantPayload, { description: "Changes a participant's details." })
  async updateParticipant(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The participant and the changes.' }) input: UpdateParticipantInput,
  ): Promise<ParticipantPayload> {
    return { participant: await this.service.update(actor, input) };
  }

  @Mutation(() => ParticipantPayload, { description: 'Removes a participant; their code stays in the inventory.' })
  async removeParticipant(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The participant.' }) input: RemoveParticipantInput,
  ): Promise<ParticipantPayload> {
    return { participant: await this.service.remove(actor, input.participantId) };
  }

  @ResolveField(() => Contract, { description: 'The contract the person is a participant of.' })
  async contract(
    @Parent() participant: Participant,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Contract> {
    return shownBeside(await this.contracts.contract(loaders, actor, participant.contractId), 'contract');
  }

  @ResolveField(() => Organization, { description: 'The organisation that holds the contract.' })
  async organization(
    @Parent() participant: Participant,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, participant.organizationId), 'organisation');
  }
}
