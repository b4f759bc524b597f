import { createHash } from 'node:crypto';
import { pages, STYLE_HASH } from './page-templates';

const INJECTED = `<script>alert("x")</script>&'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;';

const acceptView = {
  token: 'tok"en',
  email: 'ines@example.test',
  accountExists: false,
  organizationName: INJECTED,
  productName: INJECTED,
  message: INJECTED,
  expiresAt: '2026-12-31',
  values: { firstName: INJECTED },
  errors: {},
};

describe('web page templates', () => {
  it('escapes every value, in text and in attributes', () => {
    const html = pages.acceptForm('Accept your invitation', acceptView);

    expect(html).not.toContain('<script>');
    // The organisation and the product twice each, the message, the first name typed.
    expect(html.split(ESCAPED)).toHaveLength(7);
    expect(html).toContain(`value="${ESCAPED}"`);
    expect(html).toContain('name="token" value="tok&quot;en"');
  });

  it('carries only the stylesheet the Content-Security-Policy names by its hash', () => {
    const html = pages.signInForm('Sign in', { errors: {}, values: {} });
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]);

    expect(styles).toHaveLength(1);
    expect(`sha256-${createHash('sha256').update(styles[0]).digest('base64')}`).toBe(STYLE_HASH);
    expect(html).not.toMatch(/<script|<link|<img|\sstyle=|\son\w+=/i);
  });

  it('ties each field error to its field for screen readers, and never echoes a password', () => {
    const html = pages.acceptForm('Accept your invitation', {
      ...acceptView,
      errors: { password: 'must be 10 to 1024 characters long', confirmPassword: 'does not match the password above' },
    });

    expect(html).toMatch(
      /<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint password-error" aria-invalid="true">/,
    );
    expect(html).toContain('<p class="field-error" id="password-error">must be 10 to 1024 characters long</p>');
    expect(html).toMatch(/<input id="confirmPassword" [^>]*aria-describedby="confirmPassword-error" aria-invalid="true">/);
    expect(html).toMatch(/<input id="lastName" name="lastName" type="text" autocomplete="family-name" required>/);
    expect(html).not.toMatch(/type="password"[^>]*value=/);
  });

  it('asks an existing account only for its password', () => {
    const html = pages.acceptForm('Accept your invitation', { ...acceptView, accountExists: true });

    expect(html).toContain('autocomplete="current-password"');
    expect(html).not.toContain('name="firstName"');
    expect(html).not.toContain('name="confirmPassword"');
  });

  it('lists access with its dates, or says there is none', () => {
    const grant = { product: 'Leadership course', organization: 'Storefront', status: 'active', startsAt: '2026-01-01', endsAt: null };
    const listed = pages.signedIn('Your access', { name: 'Ines', email: 'i@example.test', grants: [grant], total: 120, more: true });

    expect(listed).toContain('<strong>Leadership course</strong> from Storefront: active,\nfrom 2026-01-01 with no end date.');
    expect(listed).toContain('The first 1 of 120 are listed.');
    expect(pages.signedIn('Your access', { name: 'N', email: 'n@example.test', grants: [], total: 0, more: false })).toContain(
      'You have no access to any product yet.',
    );
  });
});
