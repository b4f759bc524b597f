import { eventually, FIXTURE_PASSWORD, Fixtures, Person, SmtpSink, TestApp, type ReceivedMail } from '@tessera/testing';
import { Organization } from '../src/identity/entities/organization.entity';

const APP_URL = 'https://tessera.example.test';
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id codeId } } }`;
const ASSIGN = `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { assignments { email } } }`;
const ORGANIZATION = 'Acme <b>Training</b> & "Co"';
const PRODUCT = 'Course <i>One</i>';
const MESSAGE = '<script>alert("hi")</script> See you on Monday & bring a laptop';

/** What a page answered: status, headers and the HTML. */
interface Page {
  status: number;
  headers: Headers;
  html: string;
}

describe('the pages behind the links in the mails (accept an invitation, set a password, sign in)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let organization: Organization;
  let admin: Person;
  let priceId: string;

  const get = async (path: string): Promise<Page> => {
    const response = await fetch(`${t.url}${path}`);
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  /** Posts a form as a browser does (application/x-www-form-urlencoded). */
  const post = async (path: string, form: Record<string, string> | string): Promise<Page> => {
    const response = await fetch(`${t.url}${path}`, { method: 'POST', body: new URLSearchParams(form) });
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  const mailTo = async (address: string, count = 1): Promise<ReceivedMail> => {
    await eventually(() => expect(smtp.mailsTo(address)).toHaveLength(count));
    return smtp.mailsTo(address)[count - 1];
  };
  /** The path and token of the mail's link to APP_URL/<path>, to open on the test server. */
  const linkIn = (mail: ReceivedMail, path: string): { path: string; token: string } => {
    const match = new RegExp(`${APP_URL}(/${path}\\?token=([A-Za-z0-9_-]+))`).exec(mail.text);
    if (!match) throw new Error(`No ${path} link in:\n${mail.text}`);
    return { path: match[1], token: match[2] };
  };
  const invite = async (emails: string[], seat: { priceId: string } | { codeId: string }, message?: string) =>
    (await admin.client.ok(INVITE, { input: { organizationId: organization.id, ...seat, emails, message } })).inviteByEmail.invitations as {
      codeId: string;
    }[];
  const grantsOf = (email: string): Promise<{ product: string; status: string }[]> =>
    t.dataSource.query(
      `SELECT product.name AS product, grant_.status FROM access_grant grant_ JOIN user_account person ON person.id = grant_.user_id
        JOIN product ON product.id = grant_.product_id WHERE person.email = $1`,
      [email],
    );

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, APP_URL } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization(ORGANIZATION));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: PRODUCT }));
    await fixtures.codes(organization, { quantity: 10, priceId });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('takes a newcomer from the invitation mail to access: the invitation shown, mistakes marked, the seat taken', async () => {
    await invite(['newcomer@example.test'], { priceId }, MESSAGE);
    const link = linkIn(await mailTo('newcomer@example.test'), 'invitations/accept');

    const shown = await get(link.path);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    const policy = shown.headers.get('content-security-policy')!;
    expect(policy).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    expect(shown.html).toContain('Acme &lt;b&gt;Training&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(shown.html).toContain('Course &lt;i&gt;One&lt;/i&gt;');
    expect(shown.html).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; See you on Monday &amp; bring a laptop');
    expect(shown.html).not.toMatch(/<script|<b>|<i>/);
    expect(shown.html).toContain('newcomer@example.test');
    expect(shown.html).toContain(`name="token" value="${link.token}"`);
    expect(shown.html).toContain('name="firstName"');

    // Too short a password: marked beside the field; the names typed stay, the passwords do not.
    const tooShort = await post('/invitations/accept', {
      token: link.token,
      firstName: 'Nora <em>',
      lastName: 'Newcomer',
      password: 'short',
      confirmPassword: 'short',
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.html).toContain('<p class="field-error" id="password-error">must be 10 to 1024 characters long</p>');
    expect(tooShort.html).toContain('value="Nora &lt;em&gt;"');
    expect(tooShort.html).toContain('value="Newcomer"');
    expect(tooShort.html).not.toContain('value="short"');

    const mismatched = await post('/invitations/accept', {
      token: link.token,
      firstName: 'Nora',
      lastName: 'Newcomer',
      password: 'a long enough password',
      confirmPassword: 'a different password',
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.html).toContain('<p class="field-error" id="confirmPassword-error">does not match the password above</p>');
    expect(await grantsOf('newcomer@example.test')).toEqual([]);

    const accepted = await post('/invitations/accept', {
      token: link.token,
      firstName: 'Nora',
      lastName: 'Newcomer',
      password: 'a long enough password',
      confirmPassword: 'a long enough password',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('cache-control')).toBe('no-store');
    expect(accepted.html).toContain('Welcome, Nora: the invitation is accepted.');
    const until = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    expect(accepted.html).toContain(
      `<strong>Course &lt;i&gt;One&lt;/i&gt;</strong> from Acme &lt;b&gt;Training&lt;/b&gt; &amp; &quot;Co&quot;: active`,
    );
    expect(accepted.html).toContain(`until ${until}.`);
    expect(accepted.html).toContain('<a href="/sign-in">');
    expect(await grantsOf('newcomer@example.test')).toEqual([{ product: PRODUCT, status: 'ACTIVE' }]);

    // The link is spent: the page says so, with the API's words.
    const again = await get(link.path);
    expect(again.status).toBe(409);
    expect(again.html).toContain('This invitation has already been accepted.');
  });

  it('tells a late acceptor that someone else took the seat, on the page and when posting', async () => {
    const [first] = await invite(['first@example.test'], { priceId });
    await invite(['second@example.test'], { codeId: first.codeId });
    const firstLink = linkIn(await mailTo('first@example.test'), 'invitations/accept');
    const secondLink = linkIn(await mailTo('second@example.test'), 'invitations/accept');
    const account = { firstName: 'Sam', lastName: 'Second', password: 'second password ok', confirmPassword: 'second password ok' };

    expect((await post('/invitations/accept', { token: firstLink.token, ...account, firstName: 'Fay' })).status).toBe(200);

    const late = 'Someone else accepted an invitation for this seat first: it is no longer available.';
    const shown = await get(secondLink.path);
    expect(shown.status).toBe(409);
    expect(shown.html).toContain(late);
    expect(shown.html).not.toContain('<form');
    const posted = await post('/invitations/accept', { token: secondLink.token, ...account });
    expect(posted.status).toBe(409);
    expect(posted.html).toContain(late);
    expect(await grantsOf('second@example.test')).toEqual([]);
  });

  it('asks someone who has an account for its password, and marks a wrong one', async () => {
    const existing = await new Fixtures(t).person({ email: 'member@example.test', firstName: 'Mo' });
    await invite([existing.user.email], { priceId });
    const link = linkIn(await mailTo(existing.user.email), 'invitations/accept');

    const shown = await get(link.path);
    expect(shown.html).toContain('An account with this address exists already');
    expect(shown.html).not.toContain('name="firstName"');

    const wrong = await post('/invitations/accept', { token: link.token, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain(
      '<p class="field-error" id="password-error">An account for member@example.test exists: enter its password to accept.</p>',
    );
    const accepted = await post('/invitations/accept', { token: link.token, password: FIXTURE_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.html).toContain('Welcome, Mo: the invitation is accepted.');
    expect(await grantsOf('member@example.test')).toEqual([{ product: PRODUCT, status: 'ACTIVE' }]);
  });

  it('sets a password from the account mail, then signs in and lists the access', async () => {
    await admin.client.ok(ASSIGN, {
      input: {
        organizationId: organization.id,
        priceId,
        people: [{ email: 'assigned@example.test', firstName: 'Ada', lastName: '<Assigned>' }],
      },
    });
    const link = linkIn(await mailTo('assigned@example.test'), 'set-password');

    const shown = await get(link.path);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toContain(`name="token" value="${link.token}"`);

    const mismatched = await post('/set-password', { token: link.token, password: 'my new password', confirmPassword: 'my new passwort' });
    expect(mismatched.status).toBe(400);
    expect(mismatched.html).toContain('does not match the password above');
    const tooShort = await post('/set-password', { token: link.token, password: 'short', confirmPassword: 'short' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.html).toContain('<p class="field-error" id="password-error">must be 10 to 1024 characters long</p>');

    const set = await post('/set-password', { token: link.token, password: 'my new password', confirmPassword: 'my new password' });
    expect(set.status).toBe(200);
    expect(set.html).toContain('The password of assigned@example.test is set.');
    expect(set.html).toContain('<a href="/sign-in">');
    const reused = await post('/set-password', { token: link.token, password: 'another password', confirmPassword: 'another password' });
    expect(reused.status).toBe(409);
    expect(reused.html).toContain('This link has expired or has been used. Ask for a new one.');
    expect(reused.html).toContain('<a href="/forgot-password">');
    // Opened again, the used link says so at once: no form to fill in for nothing.
    const reopened = await get(link.path);
    expect(reopened.status).toBe(409);
    expect(reopened.html).toContain('This link has expired or has been used.');
    expect(reopened.html).not.toContain('<form');

    const form = await get('/sign-in');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<form method="post" action="/sign-in">');
    const signedIn = await post('/sign-in', { email: 'Assigned@Example.test', password: 'my new password' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('set-cookie')).toBeNull();
    expect(signedIn.html).toContain('Signed in as Ada &lt;Assigned&gt; (assigned@example.test).');
    expect(signedIn.html).toContain('<strong>Course &lt;i&gt;One&lt;/i&gt;</strong> from Acme &lt;b&gt;Training&lt;/b&gt;');
  });

  it('sends a new set-password link from the forgotten-password page, with the same answer for an unknown address', async () => {
    expect((await get('/sign-in')).html).toContain('<a href="/forgot-password">');
    const form = await get('/forgot-password');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<form method="post" action="/forgot-password">');

    const bad = await post('/forgot-password', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('must be an e-mail address');
    expect(bad.html).toContain('value="not an address"');

    const known = await post('/forgot-password', { email: admin.user.email });
    const unknown = await post('/forgot-password', { email: 'nobody.here@example.test' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.html.replace('nobody.here@example.test', admin.user.email)).toBe(known.html);

    const link = linkIn(await mailTo(admin.user.email), 'set-password');
    const set = await post('/set-password', {
      token: link.token,
      password: 'a brand new password',
      confirmPassword: 'a brand new password',
    });
    expect(set.status).toBe(200);
    expect((await post('/sign-in', { email: admin.user.email, password: 'a brand new password' })).status).toBe(200);
    expect(smtp.mailsTo('nobody.here@example.test')).toHaveLength(0);
  });

  it('answers a wrong password or an unknown address with the API’s neutral message, and keeps the address typed', async () => {
    const neutral = '<p class="problem" role="alert">The e-mail or the password is wrong.</p>';
    for (const email of ['newcomer@example.test', 'nobody@example.test']) {
      const page = await post('/sign-in', { email, password: 'wrong password' });
      expect(page.status).toBe(401);
      expect(page.html).toContain(neutral);
      expect(page.html).toContain(`value="${email}"`);
      expect(page.html).not.toContain('wrong password');
    }
    const empty = await post('/sign-in', { email: '', password: '' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<p class="field-error" id="email-error">must be filled in</p>');
    expect(empty.html).toContain('<p class="field-error" id="password-error">must be filled in</p>');
    const notAnAddress = await post('/sign-in', { email: '<b>nope', password: 'x' });
    expect(notAnAddress.status).toBe(400);
    expect(notAnAddress.html).toContain('<p class="field-error" id="email-error">must be an e-mail address</p>');
    expect(notAnAddress.html).toContain('value="&lt;b&gt;nope"');
  });

  it('rate-limits sign-in per account as the API does, with a page that says when to try again', async () => {
    await new Fixtures(t).person({ email: 'guessed@example.test' });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await post('/sign-in', { email: 'guessed@example.test', password: `guess ${attempt}` })).status).toBe(401);
    }
    const limited = await fetch(`${t.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'guessed@example.test', password: FIXTURE_PASSWORD }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toMatch(/Too many attempts\. Try again in \d+ seconds\./);
  });

  it.each<[string, () => Promise<Page>, number, string]>([
    ['an unknown invitation token', () => get('/invitations/accept?token=not-a-real-token'), 404, 'This invitation link is not valid'],
    ['an invitation link without its token', () => get('/invitations/accept'), 400, 'This link is not complete: its token is missing.'],
    ['a token given twice', () => get('/invitations/accept?token=a&token=b'), 400, 'This link is not complete'],
    ['a set-password link without its token', () => get('/set-password'), 400, 'This link is not complete'],
    [
      'accepting with an unknown token',
      () => post('/invitations/accept', { token: 'nope', password: 'long enough password' }),
      404,
      'This invitation link is not valid',
    ],
    [
      'accepting with a token as a list',
      () => post('/invitations/accept', 'token[]=a&token[]=b&password=x'),
      400,
      'This link is not complete',
    ],
    [
      'setting a password with an unknown token',
      () => post('/set-password', { token: 'nope', password: 'long enough password', confirmPassword: 'long enough password' }),
      409,
      'This link has expired or has been used.',
    ],
    [
      'a NUL character in a field',
      () => post('/sign-in', { email: 'a@example.test', password: 'x\u0000y' }),
      400,
      'must not contain a NUL character',
    ],
  ])('answers %s with a page that explains (never a 500)', async (_label, request, status, text) => {
    const page = await request();
    expect(page.status).toBe(status);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain(text);
  });
});
