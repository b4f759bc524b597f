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
<p>{{organization.name}} invites you to <strong>{{product.name}}</strong>. The invitation is open until {{expiresAt}}: accept it with the button above.</p>
{{#if message}}<blockquote>{{message}}</blockquote>{{/if}}
${sign.html}`,
    text: `${greeting.text}

{{organization.name}} invites you to {{product.name}}. The invitation is open until {{expiresAt}}: accept it with the link above.
{{#if message}}

{{message}}
{{/if}}

${sign.text}`,
  },
  ACCOUNT_CREATED: {
    subject: 'Your account at {{organization.name}}',
    html: `${greeting.html}
<p>An account was created for you ({{recipient.email}}){{#if product.name}}, with access to <strong>{{product.name}}</strong>{{/if}}. Choose your password with the button above (it works until {{expiresAt}}).</p>
${sign.html}`,
    text: `${greeting.text}

An account was created for you ({{recipient.email}}){{#if product.name}}, with access to {{product.name}}{{/if}}. Choose your password with the link above (it works until {{expiresAt}}).

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
<p>Set a new password for {{recipient.email}} with the button above (it works until {{expiresAt}}). If you did not ask for it, ignore this mail: your password stays as it is.</p>
${sign.html}`,
    text: `${greeting.text}

Set a new password for {{recipient.email}} with the link above (it works until {{expiresAt}}). If you did not ask for it, ignore this mail: your password stays as it is.

${sign.text}`,
  },
  GUESSING_LIMIT_REACHED: {
    subject: 'Tessera: guessing limit reached ({{guess.path}})',
    html: `${greeting.html}
<p>Someone used up the guessing budget for codes and is refused for the next {{guess.retryAfterMinutes}} minutes.</p>
<ul>
<li>Path: {{guess.path}}</li>
<li>Who: {{guess.actor}}</li>
<li>Client address: {{guess.clientAddress}}</li>
{{#if guess.organization}}<li>Organisation: {{guess.organization}}</li>{{/if}}
<li>Limits used up: {{guess.limits}}</li>
</ul>
<p>Lock-outs are listed by the redemptionLockouts query.</p>
${sign.html}`,
    text: `${greeting.text}

Someone used up the guessing budget for codes and is refused for the next {{guess.retryAfterMinutes}} minutes.

Path: {{guess.path}}
Who: {{guess.actor}}
Client address: {{guess.clientAddress}}
{{#if guess.organization}}
Organisation: {{guess.organization}}
{{/if}}
Limits used up: {{guess.limits}}

Lock-outs are listed by the redemptionLockouts query.

${sign.text}`,
  },
  // Platform mails (sent with no organisation): `organization.name` is the inviting organisation, the sender is Tessera.
  JOIN_INVITATION: {
    subject: '{{organization.name}} invites you to join',
    html: `${greeting.html}
<p>{{organization.name}} invites your account ({{recipient.email}}) to join it. Sign in and accept with the button above (until {{expiresAt}}), or ignore this mail: nothing changes until you accept.</p>
<p>— Tessera</p>`,
    text: `${greeting.text}

{{organization.name}} invites your account ({{recipient.email}}) to join it. Sign in and accept with the link above (until {{expiresAt}}), or ignore this mail: nothing changes until you accept.

— Tessera`,
  },
  VERIFY_EMAIL: {
    subject: 'Confirm your e-mail address',
    html: `${greeting.html}
<p>Confirm that {{recipient.email}} is your address by choosing your own password for it with the button above (the link works until {{expiresAt}}).</p>
<p>— Tessera</p>`,
    text: `${greeting.text}

Confirm that {{recipient.email}} is your address by choosing your own password for it with the link above (the link works until {{expiresAt}}).

— Tessera`,
  },
  // Tessera's operational mail: the address's origin only (a path or query may hold the receiver's own token), never the secret.
  WEBHOOK_ENDPOINT_DISABLED: {
    subject: 'Tessera: a webhook endpoint was disabled',
    html: `${greeting.html}
<p>Tessera stopped sending webhooks to {{endpoint.address}}: its deliveries have failed since {{endpoint.failingSince}} without a single success (more than {{endpoint.disableAfterDays}} days).</p>
<p>Events that happen while it is disabled are not sent to it. Once the receiver works again, enable the endpoint ({{endpoint.id}}) and send what it missed with replayWebhookEvents; its delivery log (webhookDeliveries) shows why the attempts failed.</p>
<p>— Tessera</p>`,
    text: `${greeting.text}

Tessera stopped sending webhooks to {{endpoint.address}}: its deliveries have failed since {{endpoint.failingSince}} without a single success (more than {{endpoint.disableAfterDays}} days).

Events that happen while it is disabled are not sent to it. Once the receiver works again, enable the endpoint ({{endpoint.id}}) and send what it missed with replayWebhookEvents; its delivery log (webhookDeliveries) shows why the attempts failed.

— Tessera`,
  },
};

/**
 * The frame every HTML body is set in; `body` is the rendered, already escaped template. The
 * account link comes first: markup a template leaves open (an unclosed attribute, say) can only
 * swallow what follows it, never what came before.
 */
export const HTML_LAYOUT = `<!doctype html>
<html><body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#1f2933;max-width:600px;margin:0 auto;padding:24px">
{{#if accountLink}}
<table role="presentation" width="100%" style="border:1px solid #cbd2d9;border-radius:6px;margin:0 0 24px"><tr><td style="padding:16px">
<p style="margin:0 0 12px"><a href="{{accountLink.url}}" style="display:inline-block;background:#1f6feb;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;font-weight:bold">{{accountLink.label}}</a></p>
<p style="margin:0;font-size:13px;color:#52606d">This link is for you alone: whoever has it can use it, so do not forward this mail.</p>
</td></tr></table>
{{/if}}
{{{body}}}
</body></html>`;

/** The account link at the top of the plain-text part, for the same reason. */
export const TEXT_ACCOUNT_LINK = `{{accountLink.label}}:
{{accountLink.url}}
(This link is for you alone: do not forward this mail.)

`;
