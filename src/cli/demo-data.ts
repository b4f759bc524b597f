import { INestApplicationContext } from '@nestjs/common';
import { ContractsService } from '../contracts/contracts.service';
import { OPERATOR, UserActor } from '../identity/auth/actor';
import { CodeGenerationService } from '../inventory/code-generation.service';
import { MemberRole } from '../identity/entities/membership.entity';
import { MembershipsService } from '../identity/memberships.service';
import { OrganizationsService } from '../identity/organizations.service';
import { UsersService } from '../identity/users.service';

export const DEMO_PASSWORD = 'tessera-demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.tessera.test';

const DEMO_PEOPLE = [
  { email: 'orgadmin@demo.tessera.test', firstName: 'Olivia', lastName: 'Admin', role: MemberRole.ORG_ADMIN },
  { email: 'mentor@demo.tessera.test', firstName: 'Marcus', lastName: 'Mentor', role: MemberRole.MEMBER },
  { email: 'mentee@demo.tessera.test', firstName: 'Mia', lastName: 'Mentee', role: MemberRole.MEMBER },
];

export interface DemoSignIn {
  email: string;
  password: string;
}

/**
 * A platform admin and a demo organisation with an admin and members, so a newcomer can try the
 * API at once. Everything goes through the services, as a user's actions would.
 */
export async function seedDemo(app: INestApplicationContext): Promise<DemoSignIn> {
  const users = app.get(UsersService);
  const { user: admin } = await users.findOrCreate({
    email: DEMO_ADMIN_EMAIL,
    firstName: 'Ada',
    lastName: 'Platform',
    password: DEMO_PASSWORD,
    isPlatformAdmin: true,
    emailVerified: true,
  });
  const actor: UserActor = { kind: 'user', userId: admin.id, isPlatformAdmin: true };
  const organizations = app.get(OrganizationsService);
  const existing = await organizations.list(actor, { first: 1 }, 'demo-mentoring');
  const organization =
    existing.edges[0]?.node ?? (await organizations.create(actor, { name: 'Demo Mentoring Programme', slug: 'demo-mentoring' }));
  const memberships = app.get(MembershipsService);
  for (const { role, ...person } of DEMO_PEOPLE) {
    const { user } = await users.findOrCreate({ ...person, password: DEMO_PASSWORD, emailVerified: true });
    const members = await memberships.list(actor, organization.id, { first: 1 }, { search: user.email });
    if (members.totalCount === 0) await memberships.connectUser(actor, organization.id, user.id, role);
  }
  await seedDemoInventory(app, organization.id);
  return { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };
}

/** A product with mentee and mentor prices, a contract, and a few codes of each type. */
async function seedDemoInventory(app: INestApplicationContext, organizationId: string): Promise<void> {
  const contracts = app.get(ContractsService);
  if (await contracts.hasContracts(organizationId)) return;
  const product = await contracts.createProduct(OPERATOR, {
    ownerOrganizationId: organizationId,
    name: 'Mentoring Programme 2026',
    description: 'Twelve months of mentoring with assessments and surveys.',
  });
  const mentee = await contracts.createPrice(OPERATOR, {
    productId: product.id,
    priceCode: 'MENTEE',
    name: 'Mentee place',
    amountMinor: 49_000,
    accessDays: 365,
  });
  const mentor = await contracts.createPrice(OPERATOR, {
    productId: product.id,
    priceCode: 'MENTOR',
    name: 'Mentor place',
    accessDays: 365,
  });
  const contract = await contracts.createContract(OPERATOR, {
    organizationId,
    name: 'Demo contract 2026',
    invitationPrefix: 'DEM',
    priceIds: [mentee.id, mentor.id],
  });
  const generation = app.get(CodeGenerationService);
  for (const [price, codeType, quantity] of [
    [mentee, 'MENTEE', 20],
    [mentor, 'MENTOR', 5],
  ] as const) {
    await generation.generate(OPERATOR, {
      organizationId,
      contractId: contract.id,
      priceId: price.id,
      codeType,
      quantity,
      width: 10,
      checkCharacter: true,
    });
  }
}

/** Seeds only a database that has no organisation yet (the first zero-setup start). */
export async function seedDemoIfEmpty(app: INestApplicationContext): Promise<DemoSignIn | null> {
  const users = app.get(UsersService);
  if (await users.findByEmail(DEMO_ADMIN_EMAIL)) return { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };
  if (await app.get(OrganizationsService).anyExist()) return null;
  return seedDemo(app);
}
