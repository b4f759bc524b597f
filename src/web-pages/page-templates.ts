import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';

/**
 * The pages behind the links in Tessera's mails, as Handlebars templates: one layout with one
 * inline stylesheet, no scripts, no external assets. Every value is escaped by `{{…}}`; the
 * layout's `{{{body}}}` is the only raw output, and it is a page these templates rendered.
 */

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #566072; --bg: #f2f4f7; --card: #fff; --accent: #2450a6; --on-accent: #fff;
  --error: #b00020; --ok: #17643a; --border: #b9c0cc; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaef; --muted: #a9b0bd; --bg: #14171c; --card: #1f242c; --accent: #9db8ff; --on-accent: #10141b;
    --error: #ff8a80; --ok: #7fd49a; --border: #4a5261; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 36rem; margin: 2rem auto; padding: 1.5rem 2rem 2rem; background: var(--card); border-radius: 10px; box-shadow: 0 1px 4px #0003; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid var(--border); white-space: pre-line; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { display: block; width: 100%; margin-top: .25rem; padding: .55rem .6rem; font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--border); border-radius: 6px; }
input[readonly] { border-style: dashed; color: var(--muted); }
input[aria-invalid="true"] { border: 2px solid var(--error); }
button { margin-top: 1.5rem; padding: .6rem 1.25rem; font: inherit; font-weight: 600; color: var(--on-accent); background: var(--accent);
  border: 0; border-radius: 6px; cursor: pointer; }
.hint { margin: .1rem 0 0; color: var(--muted); font-size: .95rem; }
.field-error { margin: .25rem 0 0; color: var(--error); font-weight: 600; }
.problem { color: var(--error); border-left: 4px solid var(--error); padding-left: .75rem; }
.done { color: var(--ok); border-left: 4px solid var(--ok); padding-left: .75rem; }
ul.access { padding-left: 1.25rem; }
ul.access li { margin: .5rem 0; }
footer { margin-top: 2rem; color: var(--muted); font-size: .9rem; }
`;

/** For the Content-Security-Policy: this stylesheet and nothing else may style the pages. */
export const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>{{title}} · Tessera</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>{{title}}</h1>
{{{body}}}
<footer>Tessera</footer>
</main>
</body>
</html>
`;

/** A labelled input, its hint and its error, tied together for screen readers. */
const FIELD = `<label for="{{name}}">{{label}}</label>{{#if hint}}
<p class="hint" id="{{name}}-hint">{{hint}}</p>{{/if}}
<input id="{{name}}" name="{{name}}" type="{{type}}" autocomplete="{{autocomplete}}"{{#if value}} value="{{value}}"{{/if}} required
{{~#if hint}} aria-describedby="{{name}}-hint{{#if error}} {{name}}-error{{/if}}"{{else if error}} aria-describedby="{{name}}-error"{{/if}}
{{~#if error}} aria-invalid="true"{{/if}}>
{{#if error}}<p class="field-error" id="{{name}}-error">{{error}}</p>{{/if}}
`;

const PROBLEM = `{{#if problem}}<p class="problem" role="alert">{{problem}}</p>{{/if}}`;

const ACCESS = `{{#if grants.length}}
<ul class="access">
{{#each grants}}
<li><strong>{{product}}</strong>{{#if organization}} from {{organization}}{{/if}}: {{status}},
from {{startsAt}} {{#if endsAt}}until {{endsAt}}{{else}}with no end date{{/if}}.</li>
{{/each}}
</ul>
{{#if more}}<p class="hint">The first {{grants.length}} of {{total}} are listed.</p>{{/if}}
{{else}}
<p>You have no access to any product yet.</p>
{{/if}}`;

const ACCEPT_FORM = `<p>{{organizationName}} invites you{{#if productName}} to <strong>{{productName}}</strong>{{/if}}.</p>
<dl>
<dt>Organisation</dt><dd>{{organizationName}}</dd>
{{#if productName}}<dt>Product</dt><dd>{{productName}}</dd>{{/if}}
<dt>Invited address</dt><dd>{{email}}</dd>
<dt>Link valid until</dt><dd>{{expiresAt}}</dd>
</dl>
{{#if message}}<p>Their message:</p>
<blockquote>{{message}}</blockquote>{{/if}}
{{> problem}}
<form method="post" action="/invitations/accept">
<input type="hidden" name="token" value="{{token}}">
<label for="email">E-mail</label>
<input id="email" type="email" value="{{email}}" autocomplete="username" readonly>
{{#if accountExists}}
<p>An account with this address exists already: enter its password to accept.</p>
{{> field name="password" label="Password" type="password" autocomplete="current-password" value=false hint=false error=errors.password}}
{{else}}
<p>Set up your account to accept.</p>
{{> field name="firstName" label="First name" type="text" autocomplete="given-name" value=values.firstName hint=false error=errors.firstName}}
{{> field name="lastName" label="Last name" type="text" autocomplete="family-name" value=values.lastName hint=false error=errors.lastName}}
{{> field name="password" label="Choose a password" type="password" autocomplete="new-password" value=false
  hint="At least 10 characters." error=errors.password}}
{{> field name="confirmPassword" label="Repeat the password" type="password" autocomplete="new-password" value=false hint=false
  error=errors.confirmPassword}}
{{/if}}
<button type="submit">Accept the invitation</button>
</form>`;

const ACCEPTED = `<p class="done" role="status">Welcome, {{firstName}}: the invitation is accepted.</p>
{{> access}}
<p>Your account is {{email}}. <a href="/sign-in">Sign in</a> at any time to see your access.</p>`;

const SET_PASSWORD_FORM = `<p>Choose the password for your Tessera account.</p>
{{> problem}}
<form method="post" action="/set-password">
<input type="hidden" name="token" value="{{token}}">
{{> field name="password" label="New password" type="password" autocomplete="new-password" value=false hint="At least 10 characters."
  error=errors.password}}
{{> field name="confirmPassword" label="Repeat the password" type="password" autocomplete="new-password" value=false hint=false
  error=errors.confirmPassword}}
<button type="submit">Set the password</button>
</form>`;

const PASSWORD_SET = `<p class="done" role="status">The password of {{email}} is set.</p>
<p><a href="/sign-in">Sign in</a> with it.</p>`;

const SIGN_IN_FORM = `<p>Sign in to see the access your account has.</p>
{{> problem}}
<form method="post" action="/sign-in">
{{> field name="email" label="E-mail" type="email" autocomplete="username" value=values.email hint=false error=errors.email}}
{{> field name="password" label="Password" type="password" autocomplete="current-password" value=false hint=false error=errors.password}}
<button type="submit">Sign in</button>
</form>
<p><a href="/forgot-password">Forgotten your password, or never set one?</a></p>`;

const FORGOT_PASSWORD_FORM = `<p>Enter the e-mail address of your account: a link to set a new password goes to it.</p>
{{> problem}}
<form method="post" action="/forgot-password">
{{> field name="email" label="E-mail" type="email" autocomplete="username" value=values.email hint=false error=errors.email}}
<button type="submit">Send the link</button>
</form>`;

const RESET_REQUESTED = `<p class="done" role="status">If {{email}} has an account, a link to set its password is on its way.</p>
<p>It works once, for a few days. Nothing arrived? Check the address and the spam folder, or try again later.</p>`;

const SIGNED_IN = `<p class="done" role="status">Signed in as {{name}} ({{email}}).</p>
<h2>Your access</h2>
{{> access}}`;

const JOIN_FORM = `<p>{{organizationName}} invites your account, {{email}}, to join it. Sign in to accept; nothing changes until you do.</p>
<dl>
<dt>Organisation</dt><dd>{{organizationName}}</dd>
<dt>Invited account</dt><dd>{{email}}</dd>
<dt>Link valid until</dt><dd>{{expiresAt}}</dd>
</dl>
{{> problem}}
<form method="post" action="/join">
<input type="hidden" name="token" value="{{token}}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" value="{{email}}" autocomplete="username" readonly>
{{> field name="password" label="Password" type="password" autocomplete="current-password" value=false hint=false error=errors.password}}
<button type="submit">Sign in and join</button>
</form>
<p><a href="/forgot-password">Forgotten your password, or never set one?</a></p>`;

const JOINED = `<p class="done" role="status">Welcome: {{email}} is now a member of {{organizationName}}.</p>
{{> access}}`;

const NOTICE = `<p class="problem" role="alert">{{problem}}</p>
{{#if advice}}<p>{{advice}}</p>{{/if}}
{{#if link}}<p><a href="{{link.href}}">{{link.text}}</a></p>{{/if}}`;

/** An isolated Handlebars: helpers or partials registered elsewhere do not leak in. */
const handlebars = Handlebars.create();
handlebars.registerPartial({ field: FIELD, problem: PROBLEM, access: ACCESS });
const OPTIONS = { knownHelpers: { if: true, each: true }, knownHelpersOnly: true } as const;
const layout = handlebars.compile<{ title: string; body: string }>(LAYOUT, OPTIONS);

/** A page: its own template in the layout, under a title. */
function page<View extends object>(source: string): (title: string, view: View) => string {
  const body = handlebars.compile<View>(source, OPTIONS);
  return (title, view) => layout({ title, body: body(view) });
}

/** Messages by form field name (what the person typed wrong there). */
export type FieldErrors = Partial<Record<string, string>>;

interface FormView {
  /** A problem that belongs to no one field. */
  problem?: string;
  errors: FieldErrors;
}

/** A grant as the pages show it; dates already formatted. */
export interface GrantLine {
  product: string;
  organization: string;
  status: string;
  startsAt: string;
  endsAt: string | null;
}

export interface AccessView {
  grants: GrantLine[];
  /** All the person's grants (more than are listed when `more`). */
  total: number;
  more: boolean;
}

export interface AcceptFormView extends FormView {
  token: string;
  email: string;
  accountExists: boolean;
  organizationName: string;
  productName: string | null;
  message: string | null;
  expiresAt: string;
  /** What was typed, passwords never. */
  values: { firstName?: string; lastName?: string };
}

export interface NoticeView {
  problem: string;
  advice?: string;
  link?: { href: string; text: string };
}

export interface JoinFormView extends FormView {
  token: string;
  email: string;
  organizationName: string;
  expiresAt: string;
}

export const pages = {
  acceptForm: page<AcceptFormView>(ACCEPT_FORM),
  accepted: page<AccessView & { firstName: string; email: string }>(ACCEPTED),
  setPasswordForm: page<FormView & { token: string }>(SET_PASSWORD_FORM),
  passwordSet: page<{ email: string }>(PASSWORD_SET),
  signInForm: page<FormView & { values: { email?: string } }>(SIGN_IN_FORM),
  forgotPasswordForm: page<FormView & { values: { email?: string } }>(FORGOT_PASSWORD_FORM),
  resetRequested: page<{ email: string }>(RESET_REQUESTED),
  signedIn: page<AccessView & { name: string; email: string }>(SIGNED_IN),
  notice: page<NoticeView>(NOTICE),
  joinForm: page<JoinFormView>(JOIN_FORM),
  joined: page<AccessView & { email: string; organizationName: string }>(JOINED),
};
