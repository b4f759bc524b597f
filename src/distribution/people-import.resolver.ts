import { Args, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { CompletePeopleImportInput, UploadInvitationsInput, UploadSeatAssignmentsInput } from './dto/people-import.dto';
import { PeopleImport, PeopleImportPurpose } from './entities/people-import.entity';
import { PeopleImportProgress } from './people-import-progress';
import { PEOPLE_IMPORT_INLINE_MAX, PeopleImportService } from './people-import.service';

@Resolver()
export class PeopleImportResolver {
  constructor(
    private readonly service: PeopleImportService,
    private readonly progress: PeopleImportProgress,
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
}
