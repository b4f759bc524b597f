import { TestApp } from '@tessera/testing';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo, seedDemoIfEmpty } from '../src/cli/demo-data';

describe('demo data for a newcomer (seeded on the first zero-setup start)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create();
  });
  afterAll(() => t.close());

  it('seeds once, can run again, and the printed sign-in works', async () => {
    expect(await seedDemoIfEmpty(t.app)).toEqual({ email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD });
    await seedDemo(t.app);

    const { login } = await t.client.ok(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`, {
      input: { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD },
    });
    const admin = t.client.as(login.accessToken);
    const { organizations } = await admin.ok(`{ organizations { totalCount edges { node { id slug } } } }`);
    expect(organizations.totalCount).toBe(1);
    const { members } = await admin.ok(`query($id: UUID!) { members(organizationId: $id) { totalCount edges { node { role } } } }`, {
      id: organizations.edges[0].node.id,
    });
    expect(members.totalCount).toBe(3);
    expect(members.edges.map((e: any) => e.node.role).sort()).toEqual(['MEMBER', 'MEMBER', 'ORG_ADMIN']);
    const { inventorySummary } = await admin.ok(
      `query($id: UUID!) { inventorySummary(organizationId: $id) { total byStatus { status count } } }`,
      {
        id: organizations.edges[0].node.id,
      },
    );
    expect(inventorySummary.total).toBe(25);
  });

  it('leaves a database that already has organisations alone', async () => {
    const other = await TestApp.create();
    try {
      await other.dataSource.query(
        `INSERT INTO organization (id, name, slug) VALUES ('01890a5d-ac96-774b-bcce-b302099a8057', 'Real customer', 'real')`,
      );
      expect(await seedDemoIfEmpty(other.app)).toBeNull();
      const [{ count }] = await other.dataSource.query('SELECT count(*)::int AS count FROM user_account');
      expect(count).toBe(0);
    } finally {
      await other.close();
    }
  });
});
