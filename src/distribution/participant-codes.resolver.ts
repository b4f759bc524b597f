import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, shownBeside, UUIDScalar } from '@tessera/common';
import { ContractsFields } from '../contracts/contracts-fields';
import { Contract } from '../contracts/entities/contract.entity';
import { Participant } from '../contracts/entities/participant.entity';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { CodesService } from '../inventory/codes.service';
import { Code } from '../inventory/entities/code.entity';
import {
  CompleteParticipantImportInput,
  GenerateParticipantCodeInput,
  GenerateParticipantCodePayload,
  UploadParticipantCodesInput,
} from './dto/participant-codes.dto';
import { ParticipantImport } from './entities/participant-import.entity';
import { ParticipantCodesService } from './participant-codes.service';

@Resolver(() => Participant)
export class ParticipantCodesResolver {
  constructor(
    private readonly service: ParticipantCodesService,
    private readonly codes: CodesService,
  ) {}

  @ResolveField(() => Code, { nullable: true, description: 'The participant’s own invitation code, once generated.' })
  code(@Parent() participant: Participant, @Context('loaders') loaders: Loaders): Promise<Code | null> {
    return participant.codeId ? loaders.byId('code', (ids) => this.codes.findByIds(ids)).load(participant.codeId) : Promise.resolve(null);
  }

  @Mutation(() => GenerateParticipantCodePayload, { description: 'Generates one participant’s own code at one of the contract’s prices.' })
  generateParticipantCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The participant, the price and the width.' }) input: GenerateParticipantCodeInput,
  ): Promise<GenerateParticipantCodePayload> {
    return this.service.generateForParticipant(actor, input);
  }

  @Mutation(() => ParticipantImport, {
    description:
      'Checks an uploaded participants file (GraphQL multipart upload; send `Apollo-Require-Preflight: true`). Every problem is reported by row and column; nothing is written but the check itself.',
  })
  uploadParticipantCodes(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The contract, the file and the code width.' }) input: UploadParticipantCodesInput,
  ): Promise<ParticipantImport> {
    return this.service.upload(actor, input);
  }

  @Mutation(() => ParticipantImport, { description: 'Generates and assigns the codes of a VALID upload, all in one transaction.' })
  completeParticipantImport(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The import.' }) input: CompleteParticipantImportInput,
  ): Promise<ParticipantImport> {
    return this.service.complete(actor, input.importId);
  }

  @Query(() => ParticipantImport, { description: 'One participants upload, with its problems.' })
  participantImport(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The import.' }) id: string,
  ): Promise<ParticipantImport> {
    return this.service.getImport(actor, id);
  }
}

/** The objects a participants upload names, beside their ids. */
@Resolver(() => ParticipantImport)
export class ParticipantImportFieldsResolver {
  constructor(
    private readonly identity: IdentityFields,
    private readonly contracts: ContractsFields,
  ) {}

  @ResolveField(() => Organization, { description: 'The organisation that holds the contract.' })
  async organization(
    @Parent() upload: ParticipantImport,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, upload.organizationId), 'organisation');
  }

  @ResolveField(() => Contract, { description: 'The contract whose participants the file lists.' })
  async contract(
    @Parent() upload: ParticipantImport,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Contract> {
    return shownBeside(await this.contracts.contract(loaders, actor, upload.contractId), 'contract');
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'Who uploaded the file (null for an API key or an operator, or someone outside the organisation, e.g. a platform admin).',
  })
  createdBy(@Parent() upload: ParticipantImport, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, upload.organizationId, upload.createdById);
  }
}
