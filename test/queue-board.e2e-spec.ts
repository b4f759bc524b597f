import { describeWithRedis, FIXTURE_PASSWORD, Fixtures, Person, TestApp } from '@tessera/testing';

/** A browser's request: no redirects followed, so each answer can be checked. */
function get(t: TestApp, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });
}

function signIn(t: TestApp, fields: Record<string, string>): Promise<Response> {
  return fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describeWithRedis('queue board at /admin/queues', () => {
  let t: TestApp;
  let platformAdmin: Person;
  let member: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    platformAdmin = await fixtures.platformAdmin();
    member = await fixtures.person();
  });
  afterAll(() => t.close());

  it('sends a browser without a session to the sign-in form, and answers scripts 401', async () => {
    const page = await get(t, '/admin/queues');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fqueues');
    const form = await get(t, '/admin/login');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="/admin/login">');

    const api = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
  });

  it('signs a platform admin in with a cookie that only the board gets, then shows every queue', async () => {
    const signedIn = await signIn(t, { email: platformAdmin.user.email, password: FIXTURE_PASSWORD, next: '/admin/queues' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin/queues');
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^tessera_admin=[^;]+; Max-Age=\d+; Path=\/admin; Expires=.+; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0];

    const page = await get(t, '/admin/queues', { cookie: session });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tessera queues');
    const api = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { cookie: session, accept: 'application/json' } });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((queue) => queue.name).sort()).toEqual(['events', 'inventory', 'mail', 'webhooks']);

    const signedOut = await fetch(`${t.url}/admin/logout`, { method: 'POST', headers: { cookie: session }, redirect: 'manual' });
    expect(signedOut.headers.get('set-cookie')).toMatch(/^tessera_admin=; Path=\/admin; Expires=Thu, 01 Jan 1970/);
  });

  it('lets a script in with a platform admin’s bearer token', async () => {
    const api = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${platformAdmin.token}` } });
    expect(api.status).toBe(200);
  });

  it('refuses everyone else: a member, a wrong password, a forged cookie', async () => {
    const asMember = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${member.token}` } });
    expect(asMember.status).toBe(403);

    const memberSignIn = await signIn(t, { email: member.user.email, password: FIXTURE_PASSWORD });
    expect(memberSignIn.status).toBe(403);
    expect(memberSignIn.headers.get('set-cookie')).toBeNull();
    expect(await memberSignIn.text()).toContain('for platform admins only');

    const wrong = await signIn(t, { email: platformAdmin.user.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The e-mail or the password is wrong.');

    const forged = await get(t, '/admin/queues/api/queues', { cookie: 'tessera_admin=forged.token.value', accept: 'application/json' });
    expect(forged.status).toBe(401);
  });

  it('never sends anyone off the board after signing in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/admin/queues', '/graphql']) {
      const signedIn = await signIn(t, { email: platformAdmin.user.email, password: FIXTURE_PASSWORD, next });
      expect(signedIn.headers.get('location')).toBe('/admin/queues');
    }
  });
});

describe('queue board without Redis', () => {
  it('explains that jobs run in-process and points to queueStats', async () => {
    const t = await TestApp.create({ env: { REDIS_URL: '' } });
    try {
      const page = await get(t, '/admin/queues');
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('queueStats');
    } finally {
      await t.close();
    }
  });
});
