/**
 * What HTML an organisation's template may write. Tessera puts the account link above the
 * template's text; these rules keep a template from reading it (style sheets), swallowing it
 * (markup left open), or covering it with a look-alike (positioned or negatively shifted boxes).
 */

/**
 * The tags: text formatting, lists, tables, links and images. Nothing that styles or loads other
 * parts of the mail (style, link, svg, iframe, form…), nothing whose content the parser reads as
 * raw text (script, textarea, title…), no comments.
 */
export const HTML_TAGS = new Set(
  'a abbr b blockquote br caption center cite code col colgroup dd del div dl dt em font h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strike strong sub sup table tbody td tfoot th thead tr tt u ul'.split(
    ' ',
  ),
);

/** Attributes of every allowed tag, and those only some have. Nothing else: no `on…` handlers, no `id` or `class` to aim at. */
const COMMON_ATTRIBUTES = new Set(['style', 'title', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'border']);
const TAG_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href', 'target', 'rel']),
  img: new Set(['src', 'alt']),
  font: new Set(['face', 'size']),
  ol: new Set(['start', 'type']),
  table: new Set(['cellpadding', 'cellspacing', 'role']),
  td: new Set(['colspan', 'rowspan']),
  th: new Set(['colspan', 'rowspan', 'scope']),
  col: new Set(['span']),
  colgroup: new Set(['span']),
};
const URL_ATTRIBUTES = new Set(['href', 'src']);
const URL_SCHEMES: Record<string, RegExp> = { href: /^(https?:\/\/|mailto:)/i, src: /^https?:\/\//i };

/**
 * Style properties: colours, fonts, text, spacing, borders, sizes. Nothing that takes a box out of
 * the flow or moves it over another (position, transform, float, z-index…).
 */
const CSS_PROPERTIES = new Set(
  `color background-color font font-family font-size font-weight font-style font-variant text-align text-decoration
   text-transform text-indent line-height letter-spacing word-spacing white-space vertical-align direction
   padding padding-top padding-right padding-bottom padding-left margin margin-top margin-right margin-bottom margin-left
   border border-top border-right border-bottom border-left border-color border-style border-width border-radius border-collapse
   border-spacing width max-width min-width height max-height min-height display list-style-type`.split(/\s+/),
);
/** A style value: words, numbers, units, colours, quotes and commas; `rgb(…)` colours; never a minus before a number (no negative shifts), `url(…)`, escapes or `@`. */
const CSS_VALUE = /^(?:[\w\s#.,%"'/]|-(?![\d.])|(?:rgba?|hsla?)\([\d\s.,%]+\))*$/;

/** A tag's start in template text: `<` or `</`, its name, then a space, `>` or `/` — all in the same text, not from a variable. */
const TAG_START = /^<\/?([a-zA-Z][a-zA-Z0-9]*)[\s/>]/;

/**
 * The problem with the tags in one piece of a template's own text, if any: every `<` that may
 * start a tag starts an allowed one, named in the text itself.
 */
export function tagNameProblem(text: string): string | null {
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const next = text[at + 1];
    // "3 < 4" is text to every parser; a `<` that ends the text could take a tag name from a variable.
    if (next !== undefined && !/[a-zA-Z/!?]/.test(next)) continue;
    const name = TAG_START.exec(text.slice(at, at + 40))?.[1];
    if (!name || !HTML_TAGS.has(name.toLowerCase())) {
      const shown = text.slice(at, at + 20).split(/[\s>]/)[0];
      return `uses ${shown}…: only these HTML tags may be used, written out in full: ${[...HTML_TAGS].join(', ')}.`;
    }
  }
  return null;
}

/** Stands for a variable's output in a template's skeleton (private-use characters: no template text has them). */
export const VARIABLE_MARK = '\uE000';

/**
 * The problems with the attributes in a template's skeleton: its text with each variable's output
 * replaced by VARIABLE_MARK followed by the variable's name and `\uE001` (both branches of a
 * condition in a row, so an attribute is checked whichever is taken). Attributes must be allowed
 * for their tag, quoted where a variable fills them, never named by a variable; links only
 * http(s) (and mailto for href) or a variable that is a link; styles only of CSS_PROPERTIES, with
 * no variable inside.
 */
export function attributeProblems(skeleton: string): string[] {
  const problems: string[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9]*)/g;
  for (let match = tag.exec(skeleton); match; match = tag.exec(skeleton)) {
    const name = match[1].toLowerCase();
    let at = match.index + match[0].length;
    for (;;) {
      at = skipSpaces(skeleton, at);
      if (at >= skeleton.length) {
        problems.push(`leaves <${name}> open: close the tag with >.`);
        break;
      }
      if (skeleton[at] === '>' || skeleton.startsWith('/>', at)) break;
      const attribute = /^[^\s"'>/=]+/.exec(skeleton.slice(at))?.[0];
      if (!attribute) {
        at++; // a stray `/`, quote or `=`: the parser skips it too
        continue;
      }
      at += attribute.length;
      if (attribute.includes(VARIABLE_MARK)) problems.push(`<${name}>: an attribute's name cannot come from a variable.`);
      const attributeName = attribute.toLowerCase();
      if (!COMMON_ATTRIBUTES.has(attributeName) && !TAG_ATTRIBUTES[name]?.has(attributeName) && !attribute.includes(VARIABLE_MARK)) {
        problems.push(`<${name} ${attributeName}>: this attribute is not available; available: ${attributesOf(name).join(', ')}.`);
      }
      at = skipSpaces(skeleton, at);
      if (skeleton[at] !== '=') continue;
      at = skipSpaces(skeleton, at + 1);
      const quote = skeleton[at];
      let value: string;
      if (quote === '"' || quote === "'") {
        const end = skeleton.indexOf(quote, at + 1);
        if (end === -1) {
          problems.push(`<${name} ${attributeName}>: the value's quotation mark is left open.`);
          return problems;
        }
        value = skeleton.slice(at + 1, end);
        at = end + 1;
      } else {
        value = /^[^\s>]*/.exec(skeleton.slice(at))![0];
        at += value.length;
        if (value.includes(VARIABLE_MARK))
          problems.push(`<${name} ${attributeName}>: put a value that holds a variable in quotation marks.`);
      }
      problems.push(...valueProblems(name, attributeName, value));
    }
    tag.lastIndex = at; // a `<` inside an attribute's value starts no tag
  }
  return [...new Set(problems)];
}

function valueProblems(tag: string, attribute: string, value: string): string[] {
  if (URL_ATTRIBUTES.has(attribute)) {
    const trimmed = value.trim();
    const fromLinkVariable = new RegExp(`^${VARIABLE_MARK}[\\w.]*Url\uE001`).test(trimmed);
    if (!fromLinkVariable && !URL_SCHEMES[attribute].test(trimmed)) {
      return [`<${tag} ${attribute}>: must be an address starting with https:// or http://${attribute === 'href' ? ' (or mailto:)' : ''}.`];
    }
    return [];
  }
  if (attribute !== 'style') return [];
  if (value.includes(VARIABLE_MARK)) return [`<${tag} style>: a style cannot hold a variable.`];
  return value
    .split(';')
    .filter((declaration) => declaration.trim())
    .flatMap((declaration) => {
      const [property, ...rest] = declaration.split(':');
      const cssProperty = property.trim().toLowerCase();
      if (!CSS_PROPERTIES.has(cssProperty)) return [`<${tag} style>: "${cssProperty}" is not available in styles.`];
      if (!rest.length || !CSS_VALUE.test(rest.join(':').trim())) {
        return [`<${tag} style>: "${cssProperty}" has a value that is not allowed (no negative sizes, url(…) or escapes).`];
      }
      return [];
    });
}

function attributesOf(tag: string): string[] {
  return [...COMMON_ATTRIBUTES, ...(TAG_ATTRIBUTES[tag] ?? [])];
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at])) at++;
  return at;
}
