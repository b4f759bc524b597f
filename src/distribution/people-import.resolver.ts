import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Loaders, shownBeside, UUIDScalar } from '@tessera/common';
import { ContractsFields } from '../contracts/contracts-fields';
import { Price } from '../contracts/entities/price.entity';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { CompletePeopleImportInput, UploadInvitationsInput, UploadSeatAssignmentsInput } from './dto/people-import.dto';
import { PeopleImport, PeopleImportPurpose } from './entities/people-import.entity';
import { PeopleImportProgress } from './people-import-progress';
import { PEOPLE_IMPORT_INLINE_MAX, PeopleImportService } from './people-import.service';

@Resolver(() => PeopleImport)
export class PeopleImportResolver {
  constructor(
    private readonly service: PeopleImportService,
    private readonly progress: PeopleImportProgress,
    private readonly identity: IdentityFields,
    private readonly contracts: ContractsFields,
  ) {}

  @Mutation(() => PeopleImport, {
    description:
      'Checks a CSV of people to give seats to (columns First name, Last name, E-mail, optional Password; GraphQL multipart upload, send ' +
      '`Apollo-Require-Preflight: true`). Every problem is reported by row and column; nothing is written but the check itself.',
  })
  uploadSeatAssignments(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'Organisation, price and file.' }) input: UploadSeatAssignmentsInput,
  ): Promise<PeopleImport> {
    return this.service.upload(actor, PeopleImportPurpose.ASSIGN_SEATS, input);
  }

  @Mutation(() => PeopleImport, {
    description:
      'Checks a CSV of e-mail addresses to invite (an E-mail column). Every problem is reported by row and column; nothing is written but the check itself.',
  })
  uploadInvitations(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'Organisation, price, file and the invitations’ extra text.' }) input: UploadInvitationsInput,
  ): Promise<PeopleImport> {
    return this.service.upload(actor, PeopleImportPurpose.INVITE, input);
  }

  @Mutation(() => PeopleImport, {
    description: `Carries out a VALID people upload in one transaction: up to ${PEOPLE_IMPORT_INLINE_MAX} rows at once (COMPLETED), larger files in the background (RUNNING, with progress).`,
  })
  completePeopleImport(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The import.' }) input: CompletePeopleImportInput,
  ): Promise<PeopleImport> {
    return this.service.complete(actor, input.importId);
  }

  @Query(() => PeopleImport, { description: 'One people upload: its check, its progress, its result.' })
  peopleImport(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The import.' }) id: string,
  ): Promise<PeopleImport> {
    return this.service.get(actor, id);
  }

  @Subscription(() => PeopleImport, {
    description:
      'Follows one people upload while it is carried out, for whoever may read it with peopleImport (and refused as peopleImport refuses): ' +
      'the upload as it stands, then again each time its status or progress moves (in steps of at most 5 %), ending with COMPLETED, ' +
      'FAILED or INVALID, after which the subscription completes. Over WebSocket (graphql-ws) at /graphql.',
    resolve: (record: PeopleImport) => record,
  })
  peopleImportProgress(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The import.' }) id: string,
  ): Promise<AsyncIterableIterator<PeopleImport>> {
    return this.progress.follow(id, () => this.service.get(actor, id));
  }

  @ResolveField(() => Organization, { description: 'The organisation whose seats are used.' })
  async organization(
    @Parent() upload: PeopleImport,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, upload.organizationId), 'organisation');
  }

  @ResolveField(() => Price, { description: 'The price whose free codes are the seats.' })
  async price(@Parent() upload: PeopleImport, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Price> {
    return shownBeside(await this.contracts.price(loaders, actor, upload.priceId), 'price');
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'Who uploaded the file (null for an operator, or someone outside the organisation, e.g. a platform admin).',
  })
  createdBy(@Parent() upload: PeopleImport, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, upload.organizationId, upload.createdById);
  }
}
