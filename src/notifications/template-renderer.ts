import Handlebars from 'handlebars';
import { HTML_LAYOUT, TEXT_ACCOUNT_LINK, type TemplateParts } from './default-templates';
import { attributeProblems, tagNameProblem, VARIABLE_MARK } from './template-html';
import { ACCOUNT_LINKS, MESSAGE_VARIABLES, MessageKind } from './message-kinds';

type Part = keyof TemplateParts;

/**
 * An isolated Handlebars with nothing but `if` and `unless`: no helpers or partials registered by
 * anything else leak in, and the built-in ones a template could misuse are gone too.
 */
const handlebars = Handlebars.create();
for (const helper of ['each', 'with', 'lookup', 'log']) handlebars.unregisterHelper(helper);
handlebars.unregisterDecorator('inline');
const layout = handlebars.compile(HTML_LAYOUT, { strict: false });
const textAccountLink = handlebars.compile(TEXT_ACCOUNT_LINK, { noEscape: true });

export interface TemplateProblem {
  part: Part;
  message: string;
}

/**
 * Why a template part cannot be used. Templates are texts, not programs: only what is listed here
 * passes — text, comments, `{{variable}}` of the kind's variables, and `{{#if variable}}` /
 * `{{#unless variable}}` blocks; in HTML escaped output only, and the tags, attributes and styles
 * of template-html.ts. Anything
 * else (helpers, partials, decorators, sub-expressions, `this`, `@root`, `../`, literals…) is
 * refused here, when it is saved, so that sending never meets it.
 */
export function checkTemplate(kind: MessageKind, part: Part, source: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const allowed = new Set(Object.keys(MESSAGE_VARIABLES[kind]));
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(source);
  } catch (error) {
    return [{ part, message: `does not compile: ${(error as Error).message.split('\n')[0]}` }];
  }
  const problem = (message: string) => problems.push({ part, message });
  const variable = (node: hbs.AST.Node) => {
    if (node.type !== 'PathExpression') return problem('only variables may be used inside {{…}}.');
    const path = node as hbs.AST.PathExpression;
    if (path.data || path.depth > 0 || !allowed.has(path.original)) {
      problem(`uses {{${path.original}}}, which ${kind} messages do not have. Available: ${[...allowed].join(', ')}.`);
    }
  };
  // The HTML part's text with a mark for each variable, both branches of a condition in a row: its attributes are checked whole.
  let skeleton = '';
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const node of program?.body ?? []) {
      switch (node.type) {
        case 'ContentStatement': {
          const text = (node as hbs.AST.ContentStatement).value;
          const tagProblem = part === 'html' ? tagNameProblem(text) : null;
          if (tagProblem) problem(tagProblem);
          skeleton += text;
          break;
        }
        case 'CommentStatement':
          break;
        case 'MustacheStatement': {
          const mustache = node as hbs.AST.MustacheStatement;
          if (mustache.params.length > 0 || mustache.hash) problem('helpers are not available in templates.');
          else variable(mustache.path);
          skeleton += `${VARIABLE_MARK}${mustache.path.type === 'PathExpression' ? (mustache.path as hbs.AST.PathExpression).original : ''}\uE001`;
          if (!mustache.escaped && part === 'html') problem('uses {{{…}}}: raw HTML would skip escaping; use {{…}}.');
          break;
        }
        case 'BlockStatement': {
          const block = node as hbs.AST.BlockStatement;
          const name = block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : block.path.type;
          if (name !== 'if' && name !== 'unless') problem(`{{#${name}}} is not available; use {{#if …}} or {{#unless …}}.`);
          else if (block.params.length !== 1 || block.hash) problem(`{{#${name}}} takes exactly one variable.`);
          else variable(block.params[0]);
          visit(block.program);
          visit(block.inverse);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          problem('partials are not available in templates.');
          break;
        default:
          // Decorators ({{* …}}, {{#* …}}) and anything a later Handlebars adds.
          problem(`${node.type.replace(/Statement$|Block$/, '').toLowerCase() || 'this construct'}s are not available in templates.`);
      }
    }
  };
  visit(ast);
  if (part === 'html' && !problems.length) attributeProblems(skeleton).forEach(problem);
  return problems;
}

/** Every problem of the three parts of a kind's template. */
export function templateProblems(kind: MessageKind, parts: TemplateParts): TemplateProblem[] {
  return (['subject', 'html', 'text'] as const).flatMap((part) => checkTemplate(kind, part, parts[part]));
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

/** A link that controls an account, rendered by Tessera above the template's text. */
export interface AccountLink {
  label: string;
  url: string;
}

/** A template that cannot render a message's data: sending it again will not help. */
export class TemplateRenderError extends Error {}

/** The account link of a message of this kind from its sealed secrets (one link at most, and only for a kind that has one). */
export function accountLinkOf(kind: MessageKind, secrets: Record<string, string>): AccountLink | undefined {
  const urls = Object.values(secrets);
  if (!urls.length) return undefined;
  const link = ACCOUNT_LINKS[kind];
  if (!link || urls.length > 1)
    throw new TemplateRenderError(`A ${kind} message carries ${urls.length} secret link(s); it may carry ${link ? 1 : 0}.`);
  return { label: link.label, url: urls[0] };
}

const OPTIONS = { knownHelpers: { if: true, unless: true }, knownHelpersOnly: true } as const;
type Compiled = (data: Record<string, unknown>) => string;
/** Compiled templates by their text (and escaping): sending a thousand messages compiles each text once. */
const compiledCache = new Map<string, Compiled>();
const COMPILED_CACHE_SIZE = 500;

function compiled(source: string, escape: boolean): Compiled {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let template = compiledCache.get(key);
  if (!template) {
    template = handlebars.compile(source, escape ? OPTIONS : { ...OPTIONS, noEscape: true });
    // The oldest entry goes first; organisations' texts change rarely.
    if (compiledCache.size >= COMPILED_CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(key, template);
  }
  return template;
}

/**
 * Renders checked parts; HTML escapes every value and is set in the shared layout. The account
 * link, when the message has one, is never part of `data`: Tessera puts it first in both bodies.
 */
export function renderMessage(parts: TemplateParts, data: Record<string, unknown>, accountLink?: AccountLink): RenderedMessage {
  const plain = (source: string) => compiled(source, false)(data);
  try {
    return {
      subject: plain(parts.subject).replace(/\s+/g, ' ').trim(),
      html: layout({ body: compiled(parts.html, true)(data), accountLink }),
      text:
        (accountLink ? textAccountLink({ accountLink }) : '') +
        plain(parts.text)
          .replace(/\n{3,}/g, '\n\n')
          .trim() +
        '\n',
    };
  } catch (error) {
    throw new TemplateRenderError(`The message could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
}
