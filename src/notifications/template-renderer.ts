import Handlebars from 'handlebars';
import { HTML_LAYOUT, type TemplateParts } from './default-templates';
import { MESSAGE_VARIABLES, MessageKind } from './message-kinds';

type Part = keyof TemplateParts;

/** Conditionals only: templates are texts, not programs. */
const BLOCK_HELPERS = new Set(['if', 'unless']);

/** An isolated Handlebars: no helpers or partials registered by anything else leak in. */
const handlebars = Handlebars.create();
const layout = handlebars.compile(HTML_LAYOUT, { strict: false });

export interface TemplateProblem {
  part: Part;
  message: string;
}

/**
 * Why a template part cannot be used: it does not compile, uses a variable its kind does not
 * offer, a helper or partial, or (in HTML) raw `{{{…}}}` output that would skip escaping.
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
  const variable = (node: hbs.AST.Expression) => {
    if (node.type !== 'PathExpression') return problem('only variables may be used inside {{…}}.');
    const name = (node as hbs.AST.PathExpression).original;
    if (!allowed.has(name)) problem(`uses {{${name}}}, which ${kind} messages do not have. Available: ${[...allowed].join(', ')}.`);
  };
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const node of program?.body ?? []) {
      if (node.type === 'MustacheStatement') {
        const mustache = node as hbs.AST.MustacheStatement;
        if (mustache.params.length > 0 || mustache.hash) problem('helpers are not available in templates.');
        else variable(mustache.path as hbs.AST.Expression);
        if (!mustache.escaped && part === 'html') problem('uses {{{…}}}: raw HTML would skip escaping; use {{…}}.');
      } else if (node.type === 'BlockStatement') {
        const block = node as hbs.AST.BlockStatement;
        const name = (block.path as hbs.AST.PathExpression).original;
        if (!BLOCK_HELPERS.has(name)) problem(`{{#${name}}} is not available; use {{#if …}} or {{#unless …}}.`);
        else block.params.forEach(variable);
        visit(block.program);
        visit(block.inverse);
      } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'DecoratorBlock') {
        problem('partials are not available in templates.');
      }
    }
  };
  visit(ast);
  return problems;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

/** A template that cannot render a message's data: sending it again will not help. */
export class TemplateRenderError extends Error {}

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

/** Renders checked parts; HTML escapes every value and is set in the shared layout. */
export function renderMessage(parts: TemplateParts, data: Record<string, unknown>): RenderedMessage {
  const plain = (source: string) => compiled(source, false)(data);
  try {
    return {
      subject: plain(parts.subject).replace(/\s+/g, ' ').trim(),
      html: layout({ body: compiled(parts.html, true)(data) }),
      text:
        plain(parts.text)
          .replace(/\n{3,}/g, '\n\n')
          .trim() + '\n',
    };
  } catch (error) {
    throw new TemplateRenderError(`The message could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
}
