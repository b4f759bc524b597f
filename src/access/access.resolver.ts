import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, UUIDScalar, clientAddress } from '@tessera/common';
import { ContractsService } from '../contracts/contracts.service';
import { ParticipantsService } from '../contracts/participants.service';
import { Price } from '../contracts/entities/price.entity';
import { Product } from '../contracts/entities/product.entity';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor, PlatformAdminOnly, type RequestWithActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { UsersService } from '../identity/users.service';
import { CodesService, displayCodeOf } from '../inventory/codes.service';
import { Code } from '../inventory/entities/code.entity';
import { InventoryFields } from '../inventory/inventory-fields';
import { AccessGrantsService } from './access-grants.service';
import {
  AccessGrantConnection,
  AccessGrantFilter,
  AccessGrantPayload,
  ExtendAccessInput,
  GrantIdInput,
  GrantParticipant,
  LiftRedemptionLockoutInput,
  LiftRedemptionLockoutPayload,
  RedemptionLockoutView,
  MilestoneProgress,
  RecordMilestoneInput,
  RedeemCodeInput,
  RedeemCodePayload,
  RevokeAccessInput,
} from './dto/access.dto';
import { AccessGrant } from './entities/access-grant.entity';
import { GrantChange } from './entities/grant-change.entity';
import { RedemptionService } from './redemption.service';

@Resolver(() => AccessGrant)
export class AccessResolver {
  constructor(
    private readonly redemption: RedemptionService,
    private readonly grants: AccessGrantsService,
    private readonly contracts: ContractsService,
    private readonly users: UsersService,
    private readonly codes: CodesService,
    private readonly participants: ParticipantsService,
    private readonly identity: IdentityFields,
    private readonly inventory: InventoryFields,
  ) {}

  @Mutation(() => RedeemCodePayload, {
    description:
      'Redeems a code for the signed-in person: access to its product starts now. A wrong code costs one guess of the guessing budget per person and client address (the same code again costs nothing; a real one, used or not, nothing); ' +
      'a used, void or expired code is CONFLICT with extensions.reason.',
  })
  async redeemCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The code.' }) input: RedeemCodeInput,
    @Context('req') req: RequestWithActor,
  ): Promise<RedeemCodePayload> {
    return { grant: await this.redemption.redeemTyped(actor, input.code, clientAddress(req)) };
  }

  @Query(() => AccessGrantConnection, { description: "The signed-in person's access grants." })
  myAccess(@CurrentActor() actor: Actor, @Args() page: PageArgs): Promise<AccessGrantConnection> {
    return this.redemption.mine(actor, page);
  }

  @Query(() => AccessGrantConnection, {
    description:
      "The organisation's registrations: who used which code, when, the access dates and status, and milestones (its admins and " +
      'API key; platform admins for any customer). Also as CSV: GET /exports/registrations.csv?organizationId=…&search=…',
  })
  accessGrants(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: AccessGrantFilter,
  ): Promise<AccessGrantConnection> {
    return this.grants.list(actor, organizationId, page, filter);
  }

  @Query(() => AccessGrant, {
    description:
      "One access grant: your own, or one of an organisation whose admin or API key you are (platform admins: any). Anyone else's is NOT_FOUND, as a missing one.",
  })
  accessGrant(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The grant.' }) id: string,
  ): Promise<AccessGrant> {
    return this.grants.get(actor, id);
  }

  @Query(() => Boolean, { description: 'Whether the signed-in person has access to the product now.' })
  hasAccess(
    @CurrentActor() actor: Actor,
    @Args('productId', { type: () => UUIDScalar, description: 'The product.' }) productId: string,
  ): Promise<boolean> {
    return this.grants.hasAccess(actor, productId);
  }

  @Mutation(() => AccessGrantPayload, {
    description: 'Ends an access now (admins); the code goes back to the pool (AVAILABLE) and the person is told by mail.',
  })
  async revokeAccess(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The grant and why.' }) input: RevokeAccessInput,
  ): Promise<AccessGrantPayload> {
    return { grant: await this.grants.revoke(actor, input.grantId, input.reason?.trim() || null) };
  }

  @Mutation(() => AccessGrantPayload, {
    description: 'Sets a new end date (admins; platform admins for any customer); the change is kept in the history and mailed.',
  })
  async extendAccess(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The grant and its new end.' }) input: ExtendAccessInput,
  ): Promise<AccessGrantPayload> {
    return { grant: await this.grants.extend(actor, input.grantId, input.endsAt) };
  }

  @Mutation(() => AccessGrantPayload, { description: 'Mails the registration confirmation again (admins).' })
  async resendConfirmation(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The grant.' }) input: GrantIdInput,
  ): Promise<AccessGrantPayload> {
    return { grant: await this.grants.resendConfirmation(actor, input.grantId) };
  }

  @Mutation(() => AccessGrantPayload, {
    description: "Records that the person reached one of the product's milestones (the person, an admin, or the organisation's API key).",
  })
  async recordMilestone(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The grant and the milestone key.' }) input: RecordMilestoneInput,
  ): Promise<AccessGrantPayload> {
    return { grant: await this.grants.recordMilestone(actor, input.grantId, input.key) };
  }

  @PlatformAdminOnly()
  @Query(() => [RedemptionLockoutView], {
    description:
      'Who has used up the guessing budget for a while (redeemCode, registerWithCode, registrationCode and imports draw on it; platform admins: a lock-out holds across organisations). ' +
      'With organizationId, only that organisation’s members.',
  })
  redemptionLockouts(
    @Args('organizationId', { type: () => UUIDScalar, nullable: true, description: 'Only the members of this organisation.' })
    organizationId?: string,
  ): Promise<RedemptionLockoutView[]> {
    return this.redemption.lockouts(organizationId ?? null);
  }

  @PlatformAdminOnly()
  @Mutation(() => LiftRedemptionLockoutPayload, {
    description: 'Lets a locked-out person (or address) try again at once (platform admins).',
  })
  async liftRedemptionLockout(
    @Args('input', { description: 'The lock-out.' }) input: LiftRedemptionLockoutInput,
  ): Promise<LiftRedemptionLockoutPayload> {
    await this.redemption.liftLockout(input.key);
    return { lifted: true };
  }

  @ResolveField(() => GrantParticipant, {
    nullable: true,
    description: 'The contract participant the code was made for (workflow C): their details as the contract holds them.',
  })
  participant(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<GrantParticipant | null> {
    return loaders
      .get<GrantParticipant>('participant-by-code', async (codeIds) => {
        const found = new Map((await this.participants.findByCodeIds(codeIds)).map((p) => [p.codeId, p]));
        return codeIds.map((id) => found.get(id) ?? null);
      })
      .load(grant.codeId);
  }

  @ResolveField(() => User, { description: 'The person who has the access.' })
  async user(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<User> {
    return (await loaders.byId('user', (ids) => this.users.findByIds(ids)).load(grant.userId))!;
  }

  @ResolveField(() => String, { description: 'The code that was redeemed, as people read it.' })
  async code(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<string> {
    const code = (await loaders.byId('code', (ids) => this.codes.findByIds(ids)).load(grant.codeId))!;
    const batch = await loaders.byId('codeBatch', (ids) => this.codes.findBatchesByIds(ids)).load(code.batchId);
    return displayCodeOf(code, batch);
  }

  @ResolveField(() => [MilestoneProgress], { description: "The product's milestones, and when the person reached each." })
  milestones(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<MilestoneProgress[]> {
    // Keyed by grant and product, so the batch needs no second look-up of the grants it is about.
    return loaders
      .get<MilestoneProgress[]>('grant-milestones', (keys) =>
        this.grants.milestonesOf(
          keys.map((key) => {
            const [id, productId] = key.split('/');
            return { id, productId: productId || null };
          }),
        ),
      )
      .load(`${grant.id}/${grant.productId ?? ''}`) as Promise<MilestoneProgress[]>;
  }

  @ResolveField(() => [GrantChange], { description: 'Revocations, date changes and expiry, oldest first.' })
  history(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<GrantChange[]> {
    return loaders.get<GrantChange[]>('grant-history', (ids) => this.grants.historyOf(ids)).load(grant.id) as Promise<GrantChange[]>;
  }

  @ResolveField(() => Product, { nullable: true, description: 'The product the grant gives access to.' })
  product(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<Product | null> {
    return grant.productId
      ? loaders.byId('product', (ids) => this.contracts.findProductsByIds(ids)).load(grant.productId)
      : Promise.resolve(null);
  }

  @ResolveField(() => Price, { nullable: true, description: 'The price the access was given at.' })
  price(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<Price | null> {
    return grant.priceId ? loaders.byId('price', (ids) => this.contracts.findPricesByIds(ids)).load(grant.priceId) : Promise.resolve(null);
  }

  @ResolveField(() => Code, {
    nullable: true,
    description:
      'The code that was redeemed, as an object: its batch, price, status and send history (null unless you may see the code: its organisation’s admins and API keys).',
  })
  redeemedCode(@Parent() grant: AccessGrant, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Code | null> {
    return this.inventory.code(loaders, actor, grant.codeId);
  }

  @ResolveField(() => Organization, {
    nullable: true,
    description: 'The organisation whose code gave the access (null when you no longer belong to it).',
  })
  organization(
    @Parent() grant: AccessGrant,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, grant.organizationId);
  }
}
