import { randomBytes } from 'node:crypto';
import { TokenService } from '../../../src/identity/auth/token.service';
import { UserActor } from '../../../src/identity/auth/actor';
import { MemberRole, Membership } from '../../../src/identity/entities/membership.entity';
import { Organization } from '../../../src/identity/entities/organization.entity';
import { User } from '../../../src/identity/entities/user.entity';
import { MembershipsService } from '../../../src/identity/memberships.service';
import { OrganizationsService } from '../../../src/identity/organizations.service';
import { UsersService } from '../../../src/identity/users.service';
import { ContractsService } from '../../../src/contracts/contracts.service';
import { Price } from '../../../src/contracts/entities/price.entity';
import { Product } from '../../../src/contracts/entities/product.entity';
import { CodeGenerationService } from '../../../src/inventory/code-generation.service';
import { BatchSource } from '../../../src/inventory/entities/code-batch.entity';
import { GraphQLClient } from './graphql-client';
import type { TestApp } from './test-app';

export const FIXTURE_PASSWORD = 'correct horse battery staple';

export interface Person {
  user: User;
  token: string;
  /** A GraphQL client signed in as this person. */
  client: GraphQLClient;
}

const unique = () => randomBytes(4).toString('hex');

/** Small builders for the state a test starts from, made through the services. */
export class Fixtures {
  constructor(private readonly t: TestApp) {}

  async person(overrides: Partial<{ email: string; firstName: string; lastName: string; isPlatformAdmin: boolean }> = {}): Promise<Person> {
    const user = await this.t.get(UsersService).create({
      email: overrides.email ?? `person-${unique()}@example.test`,
      firstName: overrides.firstName ?? 'Pat',
      lastName: overrides.lastName ?? `Tester${unique()}`,
      password: FIXTURE_PASSWORD,
      isPlatformAdmin: overrides.isPlatformAdmin ?? false,
      // An established account, whose owner proved the address long ago.
      emailVerified: true,
    });
    const { accessToken } = this.t.get(TokenService).issue(user);
    return { user, token: accessToken, client: this.t.client.as(accessToken) };
  }

  platformAdmin(): Promise<Person> {
    return this.person({ isPlatformAdmin: true, firstName: 'Platform', lastName: 'Admin' });
  }

  /** An organisation with one admin. */
  async organization(name = `Org ${unique()}`): Promise<{ organization: Organization; admin: Person }> {
    const root = await this.root();
    const organization = await this.t.get(OrganizationsService).create(root, { name });
    const admin = await this.member(organization, MemberRole.ORG_ADMIN);
    return { organization, admin: admin.person };
  }

  async member(organization: Organization, role = MemberRole.MEMBER, person?: Person): Promise<{ person: Person; membership: Membership }> {
    const root = await this.root();
    const who = person ?? (await this.person());
    // A platform admin connects directly (an organisation's admin would only invite).
    const membership = (await this.t.get(MembershipsService).connectUser(root, organization.id, who.user.id, role))!;
    return { person: who, membership };
  }

  /** A product of the organisation (of the platform's catalogue, for null) with one price (365 days of access unless told otherwise). */
  async catalogue(
    organization: Organization | null,
    options: { productName?: string; accessDays?: number | null } = {},
  ): Promise<{ product: Product; price: Price }> {
    const root = await this.root();
    const contracts = this.t.get(ContractsService);
    const product = await contracts.createProduct(root, {
      ownerOrganizationId: organization?.id ?? null,
      name: options.productName ?? `Course ${unique()}`,
    });
    const price = await contracts.createPrice(root, {
      productId: product.id,
      priceCode: 'STD',
      name: 'Standard',
      accessDays: options.accessDays === undefined ? 365 : options.accessDays,
    });
    return { product, price };
  }

  /** Codes the organisation holds, made as an admin's generation would make them. */
  async codes(
    organization: Organization,
    options: { quantity: number; priceId?: string; codeType?: string; prefix?: string },
  ): Promise<{ id: string; code: string }[]> {
    const root = await this.root();
    const { codes } = await this.t.get(CodeGenerationService).generateNow(
      root,
      {
        organizationId: organization.id,
        quantity: options.quantity,
        width: 10,
        prefix: options.prefix ?? 'T',
        priceId: options.priceId,
        codeType: options.codeType,
        checkCharacter: false,
      },
      BatchSource.GENERATED,
    );
    return codes;
  }

  private async root(): Promise<UserActor> {
    return { kind: 'user', userId: (await this.platformAdminUser()).id, isPlatformAdmin: true };
  }

  private rootAdmin?: User;
  private async platformAdminUser(): Promise<User> {
    this.rootAdmin ??= (await this.platformAdmin()).user;
    return this.rootAdmin;
  }
}
