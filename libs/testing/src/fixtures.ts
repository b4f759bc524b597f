import { randomBytes } from 'node:crypto';
import { TokenService } from '../../../src/identity/auth/token.service';
import { UserActor } from '../../../src/identity/auth/actor';
import { MemberRole, Membership } from '../../../src/identity/entities/membership.entity';
import { Organization } from '../../../src/identity/entities/organization.entity';
import { User } from '../../../src/identity/entities/user.entity';
import { MembershipsService } from '../../../src/identity/memberships.service';
import { OrganizationsService } from '../../../src/identity/organizations.service';
import { UsersService } from '../../../src/identity/users.service';
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
    });
    const { accessToken } = this.t.get(TokenService).issue(user.id);
    return { user, token: accessToken, client: this.t.client.as(accessToken) };
  }

  platformAdmin(): Promise<Person> {
    return this.person({ isPlatformAdmin: true, firstName: 'Platform', lastName: 'Admin' });
  }

  /** An organisation with one admin. */
  async organization(name = `Org ${unique()}`): Promise<{ organization: Organization; admin: Person }> {
    const root: UserActor = { kind: 'user', userId: (await this.platformAdminUser()).id, isPlatformAdmin: true };
    const organization = await this.t.get(OrganizationsService).create(root, { name });
    const admin = await this.member(organization, MemberRole.ORG_ADMIN);
    return { organization, admin: admin.person };
  }

  async member(organization: Organization, role = MemberRole.MEMBER, person?: Person): Promise<{ person: Person; membership: Membership }> {
    const root: UserActor = { kind: 'user', userId: (await this.platformAdminUser()).id, isPlatformAdmin: true };
    const who = person ?? (await this.person());
    const membership = await this.t.get(MembershipsService).connectUser(root, organization.id, who.user.id, role);
    return { person: who, membership };
  }

  private rootAdmin?: User;
  private async platformAdminUser(): Promise<User> {
    this.rootAdmin ??= (await this.platformAdmin()).user;
    return this.rootAdmin;
  }
}
