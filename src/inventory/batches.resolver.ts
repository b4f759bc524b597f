import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { clientAddress, Loaders, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import { ContractsFields } from '../contracts/contracts-fields';
import { Contract } from '../contracts/entities/contract.entity';
import { Order } from '../contracts/entities/order.entity';
import { Price } from '../contracts/entities/price.entity';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor, type RequestWithActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { BatchProgress } from './batch-progress';
import { CodeGenerationService } from './code-generation.service';
import { CodeImportService } from './code-import.service';
import { CodesService } from './codes.service';
import {
  CodeBatchConnection,
  GenerateCodesInput,
  GenerateCodesPayload,
  ImportCodesFileInput,
  ImportCodesInput,
  ImportCodesPayload,
  InventorySummary,
} from './dto/batch.dto';
import { CodeBatch } from './entities/code-batch.entity';
import { PROGRESS_STEP_PERCENT } from './progress-chunk';

@Resolver(() => CodeBatch)
export class BatchesResolver {
  constructor(
    private readonly codes: CodesService,
    private readonly generation: CodeGenerationService,
    private readonly imports: CodeImportService,
    private readonly progress: BatchProgress,
    private readonly identity: IdentityFields,
    private readonly contracts: ContractsFields,
  ) {}

  @Query(() => CodeBatchConnection, { description: "An organisation's code batches, oldest first (its admins)." })
  codeBatches(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
  ): Promise<CodeBatchConnection> {
    return this.codes.listBatches(actor, organizationId, page);
  }

  @Query(() => CodeBatch, { description: 'One batch, with its status and progress.' })
  codeBatch(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The batch.' }) id: string,
  ): Promise<CodeBatch> {
    return this.codes.getBatch(actor, id);
  }

  @Subscription(() => CodeBatch, {
    description:
      'Follows one batch while it fills, for whoever may read it with codeBatch (and refused as codeBatch refuses): the batch as it stands, ' +
      `then again each time its status, progress or createdCount moves (in steps of at most ${PROGRESS_STEP_PERCENT} %), ` +
      'ending with COMPLETED or FAILED, after which the subscription completes. Over WebSocket (graphql-ws) at /graphql.',
    resolve: (batch: CodeBatch) => batch,
  })
  codeBatchProgress(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The batch.' }) id: string,
  ): Promise<AsyncIterableIterator<CodeBatch>> {
    return this.progress.follow(id, () => this.codes.getBatch(actor, id));
  }

  @Query(() => InventorySummary, { description: "An organisation's codes counted by status, price and batch (its admins)." })
  inventorySummary(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
  ): Promise<InventorySummary> {
    return this.codes.summary(actor, organizationId);
  }

  @Mutation(() => GenerateCodesPayload, {
    description: 'Generates codes (organisation admins). Refused, with the numbers, when codes would be too easy to guess.',
  })
  async generateCodes(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'How many codes, and their shape.' }) input: GenerateCodesInput,
  ): Promise<GenerateCodesPayload> {
    return { batch: await this.generation.generate(actor, input) };
  }

  @Mutation(() => ImportCodesPayload, {
    description:
      'Imports pasted codes, one per line; reports every line not imported. All or nothing (organisation admins). ' +
      'A line found in another organisation costs one guess of the same budget as redeemCode (per admin or API key, client address and organisation); ' +
      'past it the whole import is RATE_LIMITED (retryAfterSeconds) and no line is named.',
  })
  importCodes(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The pasted codes and what they are for.' }) input: ImportCodesInput,
    @Context('req') req: RequestWithActor,
  ): Promise<ImportCodesPayload> {
    return this.imports.importText(actor, input, clientAddress(req));
  }

  @Mutation(() => ImportCodesPayload, {
    description:
      'Imports codes from a column of a CSV file (GraphQL multipart upload; send the header `Apollo-Require-Preflight: true`). Same report and all-or-nothing rule as importCodes.',
  })
  importCodesFromFile(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The file, its code column, and what the codes are for.' }) input: ImportCodesFileInput,
    @Context('req') req: RequestWithActor,
  ): Promise<ImportCodesPayload> {
    return this.imports.importFile(actor, input, clientAddress(req));
  }

  @ResolveField(() => Organization, { description: 'The organisation that holds the codes.' })
  async organization(
    @Parent() batch: CodeBatch,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, batch.organizationId), 'organisation');
  }

  @ResolveField(() => Contract, { nullable: true, description: 'The contract the codes belong to.' })
  contract(@Parent() batch: CodeBatch, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Contract | null> {
    return this.contracts.contract(loaders, actor, batch.contractId);
  }

  @ResolveField(() => Price, { nullable: true, description: 'The price the codes give access at.' })
  price(@Parent() batch: CodeBatch, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Price | null> {
    return this.contracts.price(loaders, actor, batch.priceId);
  }

  @ResolveField(() => Order, { nullable: true, description: 'The order whose seats the codes are (source ORDER).' })
  order(@Parent() batch: CodeBatch, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Order | null> {
    return this.contracts.order(loaders, actor, batch.orderId);
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'Who made the batch (null for a system or an operator, or someone outside the organisation, e.g. a platform admin).',
  })
  createdBy(@Parent() batch: CodeBatch, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, batch.organizationId, batch.createdById);
  }
}
