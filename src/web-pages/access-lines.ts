import { Injectable } from '@nestjs/common';
import { MAX_PAGE_SIZE } from '@tessera/common';
import type { AccessGrant } from '../access/entities/access-grant.entity';
import { RedemptionService } from '../access/redemption.service';
import { ContractsService } from '../contracts/contracts.service';
import { OrganizationsService } from '../identity/organizations.service';
import { pageDate } from './page-response';
import type { AccessView, GrantLine } from './page-templates';

const STATUS_WORDS: Record<AccessGrant['status'], string> = { ACTIVE: 'active', EXPIRED: 'expired', REVOKED: 'revoked' };

/** A person's grants as the pages list them: product and organisation by name, dates as in the mails. */
@Injectable()
export class AccessLines {
  constructor(
    private readonly redemption: RedemptionService,
    private readonly contracts: ContractsService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** The person's own grants, as `myAccess` gives them (the first page of the largest size). */
  async ofPerson(userId: string): Promise<AccessView> {
    const mine = await this.redemption.mine({ kind: 'user', userId, isPlatformAdmin: false }, { first: MAX_PAGE_SIZE });
    const grants = await this.lines(mine.edges.map((edge) => edge.node));
    return { grants, total: mine.totalCount, more: mine.totalCount > grants.length };
  }

  async of(grants: readonly AccessGrant[]): Promise<AccessView> {
    return { grants: await this.lines(grants), total: grants.length, more: false };
  }

  private async lines(grants: readonly AccessGrant[]): Promise<GrantLine[]> {
    const productIds = [...new Set(grants.flatMap((grant) => grant.productId ?? []))];
    const organizationIds = [...new Set(grants.map((grant) => grant.organizationId))];
    const [products, organizations] = await Promise.all([
      productIds.length ? this.contracts.findProductsByIds(productIds) : [],
      this.organizations.findByIds(organizationIds),
    ]);
    const productName = new Map(products.map((product) => [product.id, product.name]));
    const organizationName = new Map(organizations.map((organization) => [organization.id, organization.name]));
    return grants.map((grant) => ({
      product: (grant.productId && productName.get(grant.productId)) || 'Access without a product',
      organization: organizationName.get(grant.organizationId) ?? '',
      status: STATUS_WORDS[grant.status],
      startsAt: pageDate(grant.startsAt),
      endsAt: grant.endsAt ? pageDate(grant.endsAt) : null,
    }));
  }
}
