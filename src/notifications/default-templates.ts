import { MessageKind } from './message-kinds';

export interface TemplateParts {
  subject: string;
  html: string;
  text: string;
}

// Invitations may go to people whose name nobody knows yet.
const greeting = {
  html: '<p>Hello{{#if recipient.firstName}} {{recipient.firstName}}{{/if}},</p>',
  text: 'Hello{{#if recipient.firstName}} {{recipient.firstName}}{{/if}},',
};
const sign = { html: '<p>— {{organization.name}}</p>', text: '— {{organization.name}}' };

/** The texts Tessera ships; an organisation's admins may override each at run time. */
export const DEFAULT_TEMPLATES: Record<MessageKind, TemplateParts> = {
  CODE_SENT: {
    subject: 'Your registration code for {{product.name}}',
    html: `${greeting.html}
<p>Here is your registration code for <strong>{{product.name}}</strong>:</p>
<p style="font-size:20px;font-family:monospace">{{code}}</p>
{{#if message}}<blockquote>{{message}}</blockquote>{{/if}}
${sign.html}`,
    text: `${greeting.text}

Here is your registration code for {{product.name}}: {{code}}
{{#if message}}

{{message}}
{{/if}}

${sign.text}`,
  },
  INVITATION: {
    subject: '{{organization.name}} invites you to {{product.name}}',
    html: `${greeting.html}
<p>{{organization.name}} invites you to <strong>{{product.name}}</strong>.</p>
{{#if message}}<blockquote>{{message}}</blockquote>{{/if}}
<p><a href="{{acceptUrl}}">Accept the invitation</a> (until {{expiresAt}}).</p>
${sign.html}`,
    text: `${greeting.text}

{{organization.name}} invites you to {{product.name}}.
{{#if message}}

{{message}}
{{/if}}

Accept the invitation (until {{expiresAt}}): {{acceptUrl}}

${sign.text}`,
  },
  ACCOUNT_CREATED: {
    subject: 'Your account at {{organization.name}}',
    html: `${greeting.html}
<p>An account was created for you ({{recipient.email}}){{#if product.name}}, with access to <strong>{{product.name}}</strong>{{/if}}. Choose your password here:</p>
<p><a href="{{setPasswordUrl}}">Set your password</a> (the link works until {{expiresAt}}).</p>
${sign.html}`,
    text: `${greeting.text}

An account was created for you ({{recipient.email}}){{#if product.name}}, with access to {{product.name}}{{/if}}. Choose your password here (until {{expiresAt}}):
{{setPasswordUrl}}

${sign.text}`,
  },
  REGISTRATION_CONFIRMED: {
    subject: 'You are registered for {{product.name}}',
    html: `${greeting.html}
<p>Your registration for <strong>{{product.name}}</strong> is confirmed.{{#if accessEndsAt}} Your access lasts until {{accessEndsAt}}.{{/if}}</p>
<p><a href="{{signInUrl}}">Sign in</a></p>
${sign.html}`,
    text: `${greeting.text}

Your registration for {{product.name}} is confirmed.{{#if accessEndsAt}} Your access lasts until {{accessEndsAt}}.{{/if}}
Sign in: {{signInUrl}}

${sign.text}`,
  },
  ACCESS_REVOKED: {
    subject: 'Your access to {{product.name}} has ended',
    html: `${greeting.html}
<p>Your access to <strong>{{product.name}}</strong> has ended.</p>
{{#if reason}}<p>{{reason}}</p>{{/if}}
${sign.html}`,
    text: `${greeting.text}

Your access to {{product.name}} has ended.
{{#if reason}}
{{reason}}
{{/if}}

${sign.text}`,
  },
  ACCESS_EXTENDED: {
    subject: 'Your access to {{product.name}} now lasts until {{accessEndsAt}}',
    html: `${greeting.html}
<p>Your access to <strong>{{product.name}}</strong> now lasts until {{accessEndsAt}}.</p>
${sign.html}`,
    text: `${greeting.text}

Your access to {{product.name}} now lasts until {{accessEndsAt}}.

${sign.text}`,
  },
  ACCESS_EXPIRED: {
    subject: 'Your access to {{product.name}} has ended',
    html: `${greeting.html}
<p>Your access to <strong>{{product.name}}</strong> ended on {{accessEndsAt}}.</p>
${sign.html}`,
    text: `${greeting.text}

Your access to {{product.name}} ended on {{accessEndsAt}}.

${sign.text}`,
  },
  SET_PASSWORD: {
    subject: 'Set your password',
    html: `${greeting.html}
<p><a href="{{setPasswordUrl}}">Set your password</a> (the link works until {{expiresAt}}).</p>
${sign.html}`,
    text: `${greeting.text}

Set your password (the link works until {{expiresAt}}): {{setPasswordUrl}}

${sign.text}`,
  },
  // Platform mails (sent with no organisation): `organization.name` is the inviting organisation, the sender is Tessera.
  JOIN_INVITATION: {
    subject: '{{organization.name}} invites you to join',
    html: `${greeting.html}
<p>{{organization.name}} invites your account ({{recipient.email}}) to join it. Sign in and accept, or ignore this mail: nothing changes until you accept.</p>
<p><a href="{{acceptUrl}}">Accept the invitation</a> (until {{expiresAt}}).</p>
<p>— Tessera</p>`,
    text: `${greeting.text}

{{organization.name}} invites your account ({{recipient.email}}) to join it. Sign in and accept, or ignore this mail: nothing changes until you accept.

Accept the invitation (until {{expiresAt}}): {{acceptUrl}}

— Tessera`,
  },
  VERIFY_EMAIL: {
    subject: 'Confirm your e-mail address',
    html: `${greeting.html}
<p>Confirm that {{recipient.email}} is your address by choosing your own password for it:</p>
<p><a href="{{verifyUrl}}">Confirm and choose your password</a> (the link works until {{expiresAt}}).</p>
<p>— Tessera</p>`,
    text: `${greeting.text}

Confirm that {{recipient.email}} is your address by choosing your own password for it (the link works until {{expiresAt}}):
{{verifyUrl}}

— Tessera`,
  },
};

/** The frame every HTML body is set in; `body` is the rendered, already escaped template. */
export const HTML_LAYOUT = `<!doctype html>
<html><body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#1f2933;max-width:600px;margin:0 auto;padding:24px">
{{{body}}}
</body></html>`;
